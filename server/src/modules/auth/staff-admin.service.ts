import { Types } from 'mongoose';
import type { CreateStaffInput, Page, StaffListQuery, StaffUser, UpdateStaffInput } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import { ConflictError, NotFoundError, toDuplicateError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import type { MongoFilter } from '../../core/policy';
import { hashPassword } from './password';
import { toStaffUser, type StaffUserDoc, type StaffUserModel } from './staff-user.model';

export interface StaffAdminDeps {
  staffUsers: StaffUserModel;
  sessions: SessionStore;
  audit: AuditLog;
}

/** Admins create staff accounts, change roles and deactivate; every change is audited. */
export class StaffAdminService {
  constructor(private readonly deps: StaffAdminDeps) {}

  async create(actor: Actor | null, input: CreateStaffInput, requestId?: string): Promise<StaffUser> {
    let doc;
    try {
      doc = await this.deps.staffUsers.create({
        username: input.username,
        passwordHash: await hashPassword(input.password),
        name: input.name,
        role: input.role,
        phone: input.phone ?? null,
        active: true,
      });
    } catch (err) {
      throw toDuplicateError(err, `用户名 ${input.username} 已存在`) ?? err;
    }
    const user = toStaffUser(doc.toObject());
    await this.deps.audit.record({
      actor,
      action: 'staff.created',
      resource: 'staff_user',
      resourceId: user.id,
      after: { username: user.username, role: user.role },
      requestId,
    });
    return user;
  }

  async list(query: StaffListQuery): Promise<Page<StaffUser>> {
    const filter: MongoFilter = {};
    if (query.role) filter.role = query.role;
    if (query.active !== undefined) filter.active = query.active;
    return paginateById(this.deps.staffUsers, filter, query, toStaffUser);
  }

  async update(actor: Actor, id: string, input: UpdateStaffInput, requestId?: string): Promise<StaffUser> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    if (id === actor.id && (input.active === false || (input.role && input.role !== 'admin'))) {
      throw new ConflictError('CONFLICT', '不能停用自己的账号或取消自己的管理员角色');
    }
    const before = await this.deps.staffUsers.findByIdAndUpdate(id, { $set: input }).lean<StaffUserDoc>();
    if (!before) throw new NotFoundError();
    const after = { ...before, ...input };
    const lostAccess = input.active === false || (input.role !== undefined && input.role !== before.role);
    if (lostAccess) await this.deps.sessions.revokeAllFor(id);
    await this.deps.audit.record({
      actor,
      action: 'staff.updated',
      resource: 'staff_user',
      resourceId: id,
      before: { role: before.role, active: before.active, name: before.name },
      after: { role: after.role, active: after.active, name: after.name },
      requestId,
    });
    return toStaffUser(after);
  }
}
