import { Types } from 'mongoose';
import {
  normalizeName,
  phoneSearchPrefix,
  type CreateCustomerInput,
  type Customer,
  type CustomerDetail,
  type CustomerListQuery,
  type Page,
  type UpdateCustomerInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import type { MongoFilter, Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { AccountDirectory } from '../auth/account-directory';
import { CustomerConflictError } from './customer.errors';
import type { CustomerKeyModel } from './customer-key.model';
import { CustomerKeys, customerLockKey, derivedKeyFields } from './customer-keys';
import type { CustomerDoc, CustomerModel } from './customer.model';
import { CUSTOMER } from './customer.policy';

export interface CustomerServiceDeps {
  customers: CustomerModel;
  customerKeys: CustomerKeyModel;
  policy: Policy;
  directory: AccountDirectory;
  audit: AuditLog;
  lock: RedisLock;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const referrerMissing = () =>
  new ValidationError([{ path: 'body.referredBy', message: '推荐客户不存在或无权查看' }]);

/**
 * Customers: create, read, edit, list (scoped by the customer policy), the duplicate guard, and
 * ownership (claim from the pool, admin reassignment). Ownership and key changes of one customer
 * run under a Redis lock because FerretDB v1's guarded updates are not atomic.
 */
export class CustomerService {
  /** The duplicate index; the key recompute job shares it. */
  readonly keys: CustomerKeys;

  constructor(private readonly deps: CustomerServiceDeps) {
    this.keys = new CustomerKeys(deps.customerKeys, deps.customers, deps.directory);
  }

  /** The customer if the actor may read it (or change it); 404 exactly like a missing one otherwise. */
  async getForActor(actor: Actor, id: string, action: 'read' | 'change' = 'read'): Promise<CustomerDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    const customer = await this.deps.customers.findById(id).lean<CustomerDoc>();
    this.deps.policy.assert(actor, action, CUSTOMER, customer);
    return customer;
  }

  async nameOf(id: Types.ObjectId | string | null): Promise<string | null> {
    if (!id) return null;
    const customer = await this.deps.customers.findById(id, { name: 1 }).lean<Pick<CustomerDoc, 'name'>>();
    return customer?.name ?? null;
  }

  async create(actor: Actor | null, input: CreateCustomerInput, requestId?: string): Promise<Customer> {
    const ownerId = await this.ownerOfNew(actor, input.ownerId);
    if (input.referredBy) await this.assertReferrer(actor, input.referredBy);
    const _id = new Types.ObjectId();
    const { ownerId: _ignored, ...fields } = input;
    const { fields: derived, keys } = derivedKeyFields(fields);
    await this.keys.reserve(_id, keys, true);
    let doc;
    try {
      doc = await this.deps.customers.create({ _id, ...fields, ownerId, ...derived });
    } catch (err) {
      await this.keys.release(_id, keys);
      throw err;
    }
    await this.audit(actor, 'customer.created', _id, undefined, { name: doc.name, ownerId }, requestId);
    return (await this.present([doc.toObject()]))[0]!;
  }

  /** Which duplicate keys are taken, with the refusal message (names only the owner); for imports. */
  async duplicateClashes(keys: readonly string[]): Promise<Map<string, string>> {
    return this.keys.clashes(keys);
  }

  async get(actor: Actor, id: string): Promise<CustomerDetail> {
    const doc = await this.getForActor(actor, id);
    const [customer] = await this.present([doc]);
    const accounts = await this.deps.directory.portalAccountsOfCustomer(id);
    return { ...customer!, portalAccounts: accounts.map((a) => ({ id: a.id, name: a.name })) };
  }

  async list(actor: Actor, query: CustomerListQuery): Promise<Page<Customer>> {
    const filter: MongoFilter = {};
    if (query.tier) filter.tier = query.tier;
    if (query.type) filter.type = query.type;
    if (query.source) filter.source = query.source;
    if (query.tag) filter.tags = query.tag;
    if (query.ownerId) filter.ownerId = new Types.ObjectId(query.ownerId);
    if (query.pool !== undefined) filter.ownerId = query.pool ? null : { $ne: null };
    if (query.q) filter.$or = searchClauses(query.q);
    const scope = this.deps.policy.scope(actor, CUSTOMER);
    const page = await paginateById(
      this.deps.customers,
      { scope, narrow: filter },
      query,
      (doc) => doc as CustomerDoc,
    );
    return { items: await this.present(page.items), nextCursor: page.nextCursor };
  }

  async update(actor: Actor, id: string, input: UpdateCustomerInput, requestId?: string): Promise<Customer> {
    await this.getForActor(actor, id, 'change');
    return this.deps.lock.withLock(customerLockKey(id), 10_000, async () => {
      const current = await this.getForActor(actor, id, 'change');
      const source = input.source ?? current.source;
      const referredBy = await this.referrerAfterUpdate(actor, current, input, source);
      const next = { ...current, contacts: current.contacts ?? [], ...input };
      const { fields: derived, keys: after } = derivedKeyFields(next);
      // What the index holds, not what the record says: keys of an older version or left by a
      // crash between the two writes are released too.
      const before = await this.keys.heldBy(current._id);
      const added = after.filter((k) => !before.includes(k));
      await this.keys.reserve(current._id, added, true);
      try {
        await this.deps.customers.updateOne(
          { _id: current._id },
          { $set: { ...input, referredBy, ...derived } },
          { runValidators: true },
        );
      } catch (err) {
        await this.keys.release(current._id, added);
        throw err;
      }
      await this.keys.release(
        current._id,
        before.filter((k) => !after.includes(k)),
      );
      const changed = Object.keys(input) as Array<keyof UpdateCustomerInput>;
      const was = Object.fromEntries(changed.map((k) => [k, current[k]]));
      await this.audit(actor, 'customer.updated', current._id, was, input, requestId);
      return this.reload(current._id);
    });
  }

  /** A salesperson takes a pool customer; 409 when another salesperson got it first. */
  async claim(actor: Actor, id: string, requestId?: string): Promise<Customer> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    return this.deps.lock.withLock(customerLockKey(id), 10_000, async () => {
      const doc = await this.deps.customers.findById(id).lean<CustomerDoc>();
      if (!doc) throw new NotFoundError();
      if (doc.ownerId && String(doc.ownerId) !== actor.id) throw new CustomerConflictError('ALREADY_OWNED');
      if (doc.ownerId) return (await this.present([doc]))[0]!;
      await this.setOwner(actor, doc, actor.id, 'customer.claimed', requestId);
      return this.reload(doc._id);
    });
  }

  /** Admins move a customer to an active salesperson, or back to the pool (null). */
  async assign(actor: Actor, id: string, ownerId: string | null, requestId?: string): Promise<Customer> {
    if (ownerId) await this.assertActiveSales(ownerId);
    await this.getForActor(actor, id, 'change');
    return this.deps.lock.withLock(customerLockKey(id), 10_000, async () => {
      const doc = await this.getForActor(actor, id, 'change');
      if (String(doc.ownerId) !== String(ownerId))
        await this.setOwner(actor, doc, ownerId, 'customer.assigned', requestId);
      return this.reload(doc._id);
    });
  }

  private async setOwner(
    actor: Actor,
    doc: CustomerDoc,
    ownerId: string | null,
    action: string,
    requestId?: string,
  ): Promise<void> {
    const owner = ownerId ? new Types.ObjectId(ownerId) : null;
    await this.deps.customers.updateOne({ _id: doc._id }, { $set: { ownerId: owner } });
    const was = doc.ownerId ? String(doc.ownerId) : null;
    await this.audit(actor, action, doc._id, { ownerId: was }, { ownerId }, requestId);
  }

  private async ownerOfNew(
    actor: Actor | null,
    requested: string | null | undefined,
  ): Promise<string | null> {
    if (actor?.role === 'sales') {
      if (requested === undefined || requested === actor.id) return actor.id;
      if (requested === null) return null;
      throw new ForbiddenError('销售只能为自己或公共客户池创建客户');
    }
    if (requested) await this.assertActiveSales(requested);
    return requested ?? null;
  }

  private async assertActiveSales(ownerId: string): Promise<void> {
    const [owner] = await this.deps.directory.activeStaff([ownerId]);
    if (owner?.role !== 'sales')
      throw new ValidationError([{ path: 'body.ownerId', message: '负责人须为在职的销售人员' }]);
  }

  private async assertReferrer(actor: Actor | null, referredBy: string): Promise<void> {
    const ref = await this.deps.customers.findById(referredBy, { ownerId: 1 }).lean();
    if (!ref || (actor && !this.deps.policy.can(actor, 'read', CUSTOMER, ref))) throw referrerMissing();
  }

  /** The referrer after an edit: kept for a referral, required for one, cleared otherwise. */
  private async referrerAfterUpdate(
    actor: Actor,
    current: CustomerDoc,
    input: UpdateCustomerInput,
    source: CustomerDoc['source'],
  ): Promise<Types.ObjectId | null> {
    if (source !== 'referral') {
      if (input.referredBy)
        throw new ValidationError([{ path: 'body.referredBy', message: '只有转介绍客户可以填写推荐客户' }]);
      return null;
    }
    if (input.referredBy === undefined && current.referredBy) return current.referredBy;
    if (!input.referredBy)
      throw new ValidationError([{ path: 'body.referredBy', message: '转介绍客户须填写推荐客户' }]);
    if (input.referredBy === String(current._id)) throw referrerMissing();
    await this.assertReferrer(actor, input.referredBy);
    return new Types.ObjectId(input.referredBy);
  }

  private async reload(id: Types.ObjectId): Promise<Customer> {
    const doc = await this.deps.customers.findById(id).lean<CustomerDoc>();
    if (!doc) throw new NotFoundError();
    return (await this.present([doc]))[0]!;
  }

  /** API shape, with the owners' names looked up once per page. */
  private async present(docs: CustomerDoc[]): Promise<Customer[]> {
    const ownerIds = [...new Set(docs.flatMap((d) => (d.ownerId ? [String(d.ownerId)] : [])))];
    const owners = await this.deps.directory.activeStaff(ownerIds);
    const names = new Map(owners.map((o) => [o.id, o.name]));
    return docs.map((d) => toCustomer(d, names));
  }

  private async audit(
    actor: Actor | null,
    action: string,
    id: Types.ObjectId,
    before: unknown,
    after: unknown,
    requestId?: string,
  ): Promise<void> {
    await this.deps.audit.record({
      actor,
      action,
      resource: CUSTOMER,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}

/** Name: substring of the normalised name. Phone-like: prefix (or exact) of a normalised phone too. */
function searchClauses(q: string): MongoFilter[] {
  const clauses: MongoFilter[] = [];
  const name = normalizeName(q);
  if (name) clauses.push({ nameSearch: { $regex: escapeRegex(name) } });
  const phone = phoneSearchPrefix(q);
  if (phone) clauses.push({ phoneKeys: { $regex: `^${phone}` } });
  return clauses.length > 0 ? clauses : [{ _id: { $exists: false } }];
}

function toCustomer(d: CustomerDoc, ownerNames: Map<string, string>): Customer {
  const ownerId = d.ownerId ? String(d.ownerId) : null;
  return {
    id: String(d._id),
    name: d.name,
    type: d.type,
    phone: d.phone ?? null,
    contacts: (d.contacts ?? []).map((c) => ({ name: c.name, title: c.title ?? '', phone: c.phone ?? null })),
    source: d.source ?? 'other',
    referredBy: d.referredBy ? String(d.referredBy) : null,
    ownerId,
    ownerName: ownerId ? (ownerNames.get(ownerId) ?? null) : null,
    tier: d.tier,
    tags: d.tags ?? [],
    autoTags: d.autoTags ?? [],
    notes: d.notes ?? '',
    creditDays: d.creditDays ?? 0,
    creditLimit: d.creditLimit ?? 0,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
