import type { Actor } from '../../core/auth/actor';
import type { Policy } from '../../core/policy';
import type { CustomerDoc } from './customer.model';

export const CUSTOMER = 'customer';

type CustomerRef = Pick<CustomerDoc, '_id' | 'ownerId'>;

const ownsOrPool = (actor: Actor, c: CustomerRef) => c.ownerId === null || String(c.ownerId) === actor.id;

/**
 * Sales see their own customers and the unassigned pool; admins everything; finance and service
 * read every customer (money and complaints span owners) but change none; a portal account sees
 * only the customer it is bound to. PM/engineer access comes through projects (projects issue).
 */
export function registerCustomerPolicy(policy: Policy): void {
  policy.register<CustomerRef>(CUSTOMER, {
    read(actor, c) {
      switch (actor.role) {
        case 'admin':
        case 'finance':
        case 'service':
          return true;
        case 'sales':
          return ownsOrPool(actor, c);
        case 'customer':
          return actor.customerId !== null && actor.customerId === String(c._id);
        default:
          return false;
      }
    },
    change(actor, c) {
      return actor.role === 'admin' || (actor.role === 'sales' && ownsOrPool(actor, c));
    },
    scope(actor) {
      switch (actor.role) {
        case 'admin':
        case 'finance':
        case 'service':
          return {};
        case 'sales':
          return { ownerId: { $in: [null, actor.id] } };
        case 'customer':
          return actor.customerId ? { _id: actor.customerId } : null;
        default:
          return null;
      }
    },
  });
}
