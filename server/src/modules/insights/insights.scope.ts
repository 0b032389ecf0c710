import { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import { ForbiddenError } from '../../core/errors';
import type { StaffUserModel } from '../auth/staff-user.model';

/**
 * Who sees which KPIs. There is no team collection, so a team is a manager and the staff whose
 * `managerId` is that manager. Admins and finance see the firm; a manager sees the customers owned
 * by their team; anyone else is refused.
 */
export type InsightsScope = { kind: 'firm' } | { kind: 'team'; managerId: string; memberIds: Set<string> };

export function scopeLabel(scope: InsightsScope): string {
  return scope.kind === 'firm' ? 'firm' : `team:${scope.managerId}`;
}

export async function insightsScope(actor: Actor, staffUsers: StaffUserModel): Promise<InsightsScope> {
  if (actor.kind !== 'staff') throw new ForbiddenError();
  if (actor.role === 'admin' || actor.role === 'finance') return { kind: 'firm' };
  const reports = await staffUsers
    .find({ managerId: new Types.ObjectId(actor.id), active: true }, { _id: 1 })
    .lean<Array<{ _id: Types.ObjectId }>>();
  if (reports.length === 0) throw new ForbiddenError();
  return {
    kind: 'team',
    managerId: actor.id,
    memberIds: new Set([actor.id, ...reports.map((r) => String(r._id))]),
  };
}

/** Staff who are someone's manager (the "manager" role of insights). */
export async function isManager(actor: Actor, staffUsers: StaffUserModel): Promise<boolean> {
  if (actor.kind !== 'staff') return false;
  return (await staffUsers.exists({ managerId: new Types.ObjectId(actor.id), active: true })) !== null;
}

/** Customer owners whose customers `actor` may see in insights lists: null = all (admin, finance). */
export async function visibleOwnerIds(actor: Actor, staffUsers: StaffUserModel): Promise<string[] | null> {
  if (actor.kind !== 'staff') throw new ForbiddenError();
  if (actor.role === 'admin' || actor.role === 'finance') return null;
  const reports = await staffUsers
    .find({ managerId: new Types.ObjectId(actor.id) }, { _id: 1 })
    .lean<Array<{ _id: Types.ObjectId }>>();
  return [actor.id, ...reports.map((r) => String(r._id))];
}
