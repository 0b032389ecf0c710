import { Types } from 'mongoose';
import type { StaffMember } from '@gantry/shared';
import { AppError } from '../../core/errors';
import { toStaffUser, type StaffUserDoc, type StaffUserModel } from './staff-user.model';

/** Longer chains than this are refused: no real org is that deep, and a walk must end. */
export const MAX_MANAGER_CHAIN = 50;

/** Every write of a `managerId` runs under this one Redis lock, so two edits cannot close a loop together. */
export const MANAGER_CHAIN_LOCK = 'staff:manager-chain';

type ChainLink = Pick<StaffUserDoc, '_id' | 'active' | 'managerId' | 'name'>;

/**
 * Checks that `managerId` may become the manager of `userId` (null for a person not created yet):
 * the manager exists, is active, is not the person, and the person is not above them already
 * (walking up from the manager never reaches the person).
 */
export async function assertValidManager(
  staffUsers: StaffUserModel,
  userId: string | null,
  managerId: string,
): Promise<void> {
  if (managerId === userId) throw new AppError('MANAGER_SELF');
  const manager = await findLink(staffUsers, managerId);
  if (!manager) throw new AppError('MANAGER_NOT_FOUND');
  if (!manager.active) throw new AppError('MANAGER_INACTIVE');
  if (userId === null) return;
  let next = manager.managerId ? String(manager.managerId) : null;
  for (let step = 0; next !== null; step += 1) {
    if (next === userId || step >= MAX_MANAGER_CHAIN) {
      throw new AppError('MANAGER_CYCLE', undefined, { managerId, steps: step + 1 });
    }
    const link = await findLink(staffUsers, next);
    next = link?.managerId ? String(link.managerId) : null;
  }
}

function findLink(staffUsers: StaffUserModel, id: string): Promise<ChainLink | null> {
  return staffUsers
    .findById(new Types.ObjectId(id), { name: 1, active: 1, managerId: 1 })
    .lean<ChainLink>()
    .exec();
}

/** Staff accounts with their managers' names and states, read in one query per page. */
export async function withManagers(staffUsers: StaffUserModel, docs: StaffUserDoc[]): Promise<StaffMember[]> {
  const ids = [...new Set(docs.flatMap((d) => (d.managerId ? [String(d.managerId)] : [])))];
  const managers = ids.length
    ? await staffUsers
        .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { name: 1, active: 1 })
        .lean<ChainLink[]>()
    : [];
  const byId = new Map(managers.map((m) => [String(m._id), m]));
  return docs.map((doc) => {
    const managerId = doc.managerId ? String(doc.managerId) : null;
    const manager = managerId ? byId.get(managerId) : undefined;
    return {
      ...toStaffUser(doc),
      managerId,
      managerName: manager?.name ?? null,
      managerActive: manager ? manager.active : null,
    };
  });
}

/**
 * The person's manager as escalations and notices use it: only an active one. A deactivated
 * manager (someone who left) counts as none, so the callers fall back to the admins instead of
 * sending to nobody.
 */
export async function activeManagerOf(
  staffUsers: StaffUserModel,
  userId: Types.ObjectId | string | null | undefined,
): Promise<string | null> {
  if (!userId) return null;
  const user = await staffUsers.findById(userId, { managerId: 1 }).lean<Pick<StaffUserDoc, 'managerId'>>();
  if (!user?.managerId) return null;
  const manager = await staffUsers.findById(user.managerId, { active: 1 }).lean<{ active: boolean }>();
  return manager?.active ? String(user.managerId) : null;
}
