import { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import { Policy } from '../../core/policy';
import { CUSTOMER, registerCustomerPolicy } from './customer.policy';

const ids = { me: new Types.ObjectId(), other: new Types.ObjectId(), cust: new Types.ObjectId() };
const staff = (role: Actor['role'], id = ids.me): Actor => ({
  id: String(id),
  role,
  kind: 'staff',
  name: 'x',
  customerId: null,
  sessionId: 's',
});
const portal = (customerId: string | null): Actor => ({
  id: 'p',
  role: 'customer',
  kind: 'portal',
  name: 'x',
  customerId,
  sessionId: 's',
});

describe('customer policy', () => {
  const policy = new Policy();
  registerCustomerPolicy(policy);
  const mine = { _id: ids.cust, ownerId: ids.me };
  const theirs = { _id: new Types.ObjectId(), ownerId: ids.other };
  const pooled = { _id: new Types.ObjectId(), ownerId: null };

  it('sales see and change their own customers and the pool, nothing else', () => {
    expect(policy.can(staff('sales'), 'change', CUSTOMER, mine)).toBe(true);
    expect(policy.can(staff('sales'), 'change', CUSTOMER, pooled)).toBe(true);
    expect(policy.can(staff('sales'), 'read', CUSTOMER, theirs)).toBe(false);
    expect(policy.scope(staff('sales'), CUSTOMER)).toEqual({ ownerId: { $in: [null, String(ids.me)] } });
  });

  it('finance and service read all but change none; engineers see none through the CRM', () => {
    expect(policy.can(staff('finance'), 'read', CUSTOMER, theirs)).toBe(true);
    expect(policy.can(staff('service'), 'change', CUSTOMER, theirs)).toBe(false);
    expect(policy.can(staff('engineer'), 'read', CUSTOMER, mine)).toBe(false);
  });

  it('a portal account sees only the customer it is bound to', () => {
    expect(policy.can(portal(String(ids.cust)), 'read', CUSTOMER, mine)).toBe(true);
    expect(policy.can(portal(String(ids.cust)), 'read', CUSTOMER, theirs)).toBe(false);
    expect(policy.can(portal(null), 'read', CUSTOMER, mine)).toBe(false);
    expect(policy.can(portal(String(ids.cust)), 'change', CUSTOMER, mine)).toBe(false);
  });
});
