import { Types } from 'mongoose';
import type { Role, StaffRole } from '@gantry/shared';
import type { PortalAccountModel } from './portal-account.model';
import type { StaffUserModel } from './staff-user.model';

/** Someone a notice can go to. `openid` only for WeChat portal accounts. */
export interface Recipient {
  id: string;
  kind: 'staff' | 'portal';
  role: Role;
  name: string;
  openid: string | null;
}

/** Read-only look-ups of accounts for other domains (notifications), so they never touch auth's models. */
export class AccountDirectory {
  constructor(
    private readonly staffUsers: StaffUserModel,
    private readonly portalAccounts: PortalAccountModel,
  ) {}

  async portalAccountsOfCustomer(customerId: string): Promise<Recipient[]> {
    if (!Types.ObjectId.isValid(customerId)) return [];
    const accounts = await this.portalAccounts
      .find({ customerId: new Types.ObjectId(customerId) })
      .limit(50)
      .lean();
    return accounts.map((a) => ({
      id: String(a._id),
      kind: 'portal',
      role: 'customer',
      name: a.name,
      openid: a.openid,
    }));
  }

  async activeStaff(ids: string[]): Promise<Recipient[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    if (valid.length === 0) return [];
    const users = await this.staffUsers
      .find({ _id: { $in: valid }, active: true })
      .limit(200)
      .lean();
    return users.map((u) => ({ id: String(u._id), kind: 'staff', role: u.role, name: u.name, openid: null }));
  }

  async activeStaffWithRole(role: StaffRole): Promise<Recipient[]> {
    const users = await this.staffUsers.find({ role, active: true }).limit(200).lean();
    return users.map((u) => ({ id: String(u._id), kind: 'staff', role: u.role, name: u.name, openid: null }));
  }

  async portalOpenid(accountId: string): Promise<string | null> {
    if (!Types.ObjectId.isValid(accountId)) return null;
    return (await this.portalAccounts.findById(accountId, { openid: 1 }).lean())?.openid ?? null;
  }
}
