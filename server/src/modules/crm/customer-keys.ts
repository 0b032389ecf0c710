import type { Types } from 'mongoose';
import { isDuplicateKeyError, toDuplicateError } from '../../core/errors';
import type { AccountDirectory } from '../auth/account-directory';
import type { CustomerKeyModel } from './customer-key.model';
import type { CustomerModel } from './customer.model';

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

  /** Inserts `keys` for `customerId`; on a clash removes what it inserted and throws DUPLICATE. */
  async reserve(customerId: Types.ObjectId, keys: readonly string[], retried = false): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.keys.insertMany(
        keys.map((key) => ({ key, customerId })),
        { ordered: true },
      );
    } catch (err) {
      await this.release(customerId, keys);
      if (!isDuplicateKeyError(err)) throw err;
      const clash = await this.keys.findOne({ key: { $in: keys }, customerId: { $ne: customerId } }).lean();
      const other = clash ? await this.customers.findById(clash.customerId, { ownerId: 1 }).lean() : null;
      if (clash && !other && !retried && Date.now() - clash.createdAt.getTime() > ORPHAN_AFTER_MS) {
        await this.keys.deleteOne({ _id: clash._id, customerId: clash.customerId });
        return this.reserve(customerId, keys, true);
      }
      throw toDuplicateError(err, await this.ownerMessage(other?.ownerId ?? null, other !== null)) ?? err;
    }
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
