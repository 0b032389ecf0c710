import { Types } from 'mongoose';
import type { CreateStaffInput, Page, StaffListQuery, StaffMember, UpdateStaffInput } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import { ConflictError, NotFoundError, toDuplicateError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, type MongoFilter } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import { hashPassword } from './password';
import { assertAcceptablePassword } from './password-policy';
import { MANAGER_CHAIN_LOCK, assertValidManager, withManagers } from './staff-admin.managers';
import type { StaffUserDoc, StaffUserModel } from './staff-user.model';

export interface StaffAdminDeps {
  staffUsers: StaffUserModel;
  sessions: SessionStore;
  audit: AuditLog;
  lock: RedisLock;
}

const toObjectId = (id: string | null | undefined) => (id ? new Types.ObjectId(id) : null);
const idOf = (id: Types.ObjectId | null | undefined) => (id ? String(id) : null);

/**
 * Admins create staff accounts, change roles, managers and deactivate; every change is audited.
 * Deactivating someone who manages others is allowed — a leaver's access must end at once, not wait
 * for a re-organisation — and the list then shows their reports' manager as inactive.
 */
export class StaffAdminService {
  constructor(private readonly deps: StaffAdminDeps) {}

  /**
   * `actor` null is the system (demo seed, tests' factories): its accounts are not admin-set, so
   * only an admin's creation makes the person choose their own password at first sign-in.
   */
  async create(actor: Actor | null, input: CreateStaffInput, requestId?: string): Promise<StaffMember> {
    assertAcceptablePassword(input.password, input.username, 'body.password');
    if (input.managerId) await assertValidManager(this.deps.staffUsers, null, input.managerId);
    const mustChangePassword = actor !== null;
    let doc;
    try {
      doc = await this.deps.staffUsers.create({
        username: input.username,
        passwordHash: await hashPassword(input.password),
        name: input.name,
        role: input.role,
        phone: input.phone ?? null,
        active: true,
        managerId: toObjectId(input.managerId),
        mustChangePassword,
      });
    } catch (err) {
      throw toDuplicateError(err, `用户名 ${input.username} 已存在`) ?? err;
    }
    const [user] = await withManagers(this.deps.staffUsers, [doc.toObject()]);
    await this.deps.audit.record({
      actor,
      action: 'staff.created',
      resource: 'staff_user',
      resourceId: user!.id,
      after: { username: user!.username, role: user!.role, managerId: user!.managerId, mustChangePassword },
      requestId,
    });
    return user!;
  }

  async list(query: StaffListQuery): Promise<Page<StaffMember>> {
    const filter: MongoFilter = {};
    if (query.role) filter.role = query.role;
    if (query.active !== undefined) filter.active = query.active;
    // Only admins reach this list (see the route), and they read every account.
    const list = { scope: EVERYTHING, narrow: filter };
    const page = await paginateById(this.deps.staffUsers, list, query, (doc) => doc as StaffUserDoc);
    return { items: await withManagers(this.deps.staffUsers, page.items), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<StaffMember> {
    const doc = Types.ObjectId.isValid(id)
      ? await this.deps.staffUsers.findById(id).lean<StaffUserDoc>()
      : null;
    if (!doc) throw new NotFoundError();
    const [member] = await withManagers(this.deps.staffUsers, [doc]);
    return member!;
  }

  async update(actor: Actor, id: string, input: UpdateStaffInput, requestId?: string): Promise<StaffMember> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    if (id === actor.id && (input.active === false || (input.role && input.role !== 'admin'))) {
      throw new ConflictError('CONFLICT', '不能停用自己的账号或取消自己的管理员角色');
    }
    const write = () => this.write(actor, id, input, requestId);
    // Manager changes (which could close a loop) and deactivations (which could retire a manager
    // being chosen) are serialised, so the chain check stays true when the write lands.
    const chainChange = input.managerId !== undefined || input.active === false;
    return chainChange ? this.deps.lock.withLock(MANAGER_CHAIN_LOCK, 10_000, write) : write();
  }

  private async write(actor: Actor, id: string, input: UpdateStaffInput, requestId?: string) {
    if (input.managerId) await assertValidManager(this.deps.staffUsers, id, input.managerId);
    const { managerId, ...rest } = input;
    const set = managerId === undefined ? rest : { ...rest, managerId: toObjectId(managerId) };
    const before = await this.deps.staffUsers.findByIdAndUpdate(id, { $set: set }).lean<StaffUserDoc>();
    if (!before) throw new NotFoundError();
    const after: StaffUserDoc = { ...before, ...set } as StaffUserDoc;
    const lostAccess = input.active === false || (input.role !== undefined && input.role !== before.role);
    if (lostAccess) await this.deps.sessions.revokeAllFor(id);
    const audited = (d: StaffUserDoc) => ({
      role: d.role,
      active: d.active,
      name: d.name,
      managerId: idOf(d.managerId),
    });
    await this.deps.audit.record({
      actor,
      action: 'staff.updated',
      resource: 'staff_user',
      resourceId: id,
      before: audited(before),
      after: audited(after),
      requestId,
    });
    const [member] = await withManagers(this.deps.staffUsers, [after]);
    return member!;
  }
}
