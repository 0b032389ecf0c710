import type { Types } from 'mongoose';
import {
  CUSTOMER_KEY_VERSION,
  duplicateKeysOf,
  nameKeyOf,
  normalizeName,
  phoneKeysOf,
  type CustomerContact,
  type CustomerType,
} from '@gantry/shared';
import { isDuplicateKeyError, toDuplicateError } from '../../core/errors';
import type { AccountDirectory } from '../auth/account-directory';
import type { CustomerKeyModel } from './customer-key.model';
import type { CustomerModel } from './customer.model';

/** What the duplicate keys and the search are derived from. */
export type KeySource = {
  name: string;
  type: CustomerType;
  phone: string | null;
  contacts: ReadonlyArray<Pick<CustomerContact, 'phone'>>;
};

/** The customer fields derived from its name and phones, and the index keys they give. */
export function derivedKeyFields(c: KeySource) {
  const fields = {
    nameKey: nameKeyOf(c.type, c.name),
    nameSearch: normalizeName(c.name),
    phoneKeys: phoneKeysOf([c.phone, ...c.contacts.map((x) => x.phone)]),
    keyVersion: CUSTOMER_KEY_VERSION,
  };
  return { fields, keys: duplicateKeysOf(fields) };
}

/** Ownership and key changes of one customer run under this lock (FerretDB v1 guards are not atomic). */
export const customerLockKey = (id: string) => `lock:crm:customer:${id}`;

/** A key whose customer never appeared this long after it was reserved is left over from a crash. */
const ORPHAN_AFTER_MS = 60_000;

/**
 * Reserves a customer's duplicate keys in `customer_keys` (unique on `key`). A clash answers 409
 * DUPLICATE naming only who owns the other customer — nothing else about that record.
 */
export class CustomerKeys {
  constructor(
    private readonly keys: CustomerKeyModel,
    private readonly customers: CustomerModel,
    private readonly directory: AccountDirectory,
  ) {}

  /**
   * Inserts those of `keys` that `customerId` does not hold yet; on a clash removes what it
   * inserted and throws DUPLICATE. Keys the customer already holds are skipped, so a step that is
   * retried after a crash (an edit, the key recompute) does not trip over its own keys. `unheld`:
   * the caller knows the customer holds none of them (a new customer), which saves the lookup.
   */
  async reserve(customerId: Types.ObjectId, keys: readonly string[], unheld = false): Promise<void> {
    if (keys.length === 0) return;
    const held = unheld ? new Set<string>() : new Set(await this.heldBy(customerId, keys));
    const fresh = keys.filter((k) => !held.has(k));
    if (fresh.length > 0) await this.insertFresh(customerId, fresh, false);
  }

  private async insertFresh(customerId: Types.ObjectId, fresh: string[], retried: boolean): Promise<void> {
    try {
      await this.keys.insertMany(
        fresh.map((key) => ({ key, customerId })),
        { ordered: true },
      );
    } catch (err) {
      await this.release(customerId, fresh);
      if (!isDuplicateKeyError(err)) throw err;
      const clash = await this.keys.findOne({ key: { $in: fresh }, customerId: { $ne: customerId } }).lean();
      const other = clash ? await this.customers.findById(clash.customerId, { ownerId: 1 }).lean() : null;
      if (clash && !other && !retried && Date.now() - clash.createdAt.getTime() > ORPHAN_AFTER_MS) {
        await this.keys.deleteOne({ _id: clash._id, customerId: clash.customerId });
        return this.insertFresh(customerId, fresh, true);
      }
      throw toDuplicateError(err, await this.ownerMessage(other?.ownerId ?? null, other !== null)) ?? err;
    }
  }

  /** The keys `customerId` holds in the index (all of them, or those among `among`). */
  async heldBy(customerId: Types.ObjectId, among?: readonly string[]): Promise<string[]> {
    const filter = among ? { customerId, key: { $in: among } } : { customerId };
    const rows = await this.keys.find(filter, { key: 1 }).lean();
    return rows.map((r) => r.key);
  }

  /** Removes those of `keys` that belong to `customerId` (never another customer's). */
  async release(customerId: Types.ObjectId, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.keys.deleteMany({ customerId, key: { $in: keys } });
  }

  /**
   * Which of `keys` are already taken, each with the message `reserve` would refuse it with (for
   * an import's dry run). Only the owning salesperson's name is revealed, as for a clash.
   */
  async clashes(keys: readonly string[]): Promise<Map<string, string>> {
    const taken = new Map<string, string>();
    if (keys.length === 0) return taken;
    const found = await this.keys.find({ key: { $in: keys } }, { key: 1, customerId: 1 }).lean();
    const ids = [...new Set(found.map((k) => String(k.customerId)))];
    const customers = ids.length
      ? await this.customers.find({ _id: { $in: ids } }, { ownerId: 1 }).lean()
      : [];
    const ownerOf = new Map(customers.map((c) => [String(c._id), c.ownerId ?? null]));
    const messages = new Map<string, string>();
    for (const k of found) {
      const id = String(k.customerId);
      if (!messages.has(id))
        messages.set(id, await this.ownerMessage(ownerOf.get(id) ?? null, ownerOf.has(id)));
      taken.set(k.key, messages.get(id)!);
    }
    return taken;
  }

  private async ownerMessage(ownerId: Types.ObjectId | null, found: boolean): Promise<string> {
    // Not found: the other customer is being created at this very moment.
    if (!found) return '该客户已存在';
    if (!ownerId) return '该客户已存在于公共客户池';
    const [owner] = await this.directory.activeStaff([String(ownerId)]);
    return owner ? `该客户已存在，负责人：${owner.name}` : '该客户已存在，负责人账号已停用，请联系管理员';
  }
}
