import { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import type { Policy } from '../../core/policy';
import { NotFoundError } from '../../core/errors';
import type { CustomerDoc, CustomerModel } from './customer.model';
import { CUSTOMER } from './customer.policy';

export class CustomerService {
  constructor(
    private readonly customers: CustomerModel,
    private readonly policy: Policy,
  ) {}

  /** The customer if the actor may read it (or change it); 404 exactly like a missing one otherwise. */
  async getForActor(actor: Actor, id: string, action: 'read' | 'change' = 'read'): Promise<CustomerDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    const customer = await this.customers.findById(id).lean<CustomerDoc>();
    this.policy.assert(actor, action, CUSTOMER, customer);
    return customer;
  }

  async nameOf(id: Types.ObjectId | string | null): Promise<string | null> {
    if (!id) return null;
    const customer = await this.customers.findById(id, { name: 1 }).lean<Pick<CustomerDoc, 'name'>>();
    return customer?.name ?? null;
  }
}
