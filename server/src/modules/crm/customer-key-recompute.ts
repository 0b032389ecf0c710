import type { Types } from 'mongoose';
import { CUSTOMER_KEY_VERSION } from '@gantry/shared';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import { customerLockKey, derivedKeyFields, type CustomerKeys } from './customer-keys';
import type { CustomerDoc, CustomerModel } from './customer.model';

const BATCH = 200;
const LOCK_TTL_MS = 10_000;

export interface KeyRecomputeDeps {
  customers: CustomerModel;
  keys: CustomerKeys;
  lock: RedisLock;
  logger: Logger;
}

export interface KeyRecomputeResult {
  /** Customers brought to the current key version. */
  updated: number;
  /** Keys another existing customer already holds: the two are duplicates under the new keys. */
  conflicts: Array<{ customerId: string; key: string }>;
}

/**
 * Brings customers whose keys were computed by an older normaliser (`keyVersion` below
 * CUSTOMER_KEY_VERSION, or none) to the current one: derived fields and `customer_keys` rows.
 *
 * Per customer, under the same lock as an edit: (1) reserve the new keys, (2) release the keys it
 * holds that are no longer its keys, (3) write the derived fields and the version. A crash after
 * (1) leaves the customer holding old and new keys, after (2) holding only the new ones while its
 * record still says the old version; either way the duplicate guard refuses both spellings, and
 * the next run repeats the steps, which skip what is already done (reserve passes over keys the
 * customer holds, release over keys it does not). Several instances may run it at once: the
 * per-customer lock serialises them and the version check inside it makes the second a no-op.
 */
export class CustomerKeyRecompute {
  constructor(private readonly deps: KeyRecomputeDeps) {}

  async run(): Promise<KeyRecomputeResult> {
    const result: KeyRecomputeResult = { updated: 0, conflicts: [] };
    let after: Types.ObjectId | null = null;
    for (;;) {
      // Served by { keyVersion: 1, _id: 1 }; `null` also matches records without the field.
      const page: Array<Pick<CustomerDoc, '_id'>> = await this.deps.customers
        .find(
          {
            $or: [{ keyVersion: null }, { keyVersion: { $lt: CUSTOMER_KEY_VERSION } }],
            ...(after ? { _id: { $gt: after } } : {}),
          },
          { _id: 1 },
        )
        .sort({ _id: 1 })
        .limit(BATCH)
        .lean();
      for (const { _id } of page) {
        const outcome = await this.recomputeOne(_id);
        if (outcome === 'skipped') continue;
        result.updated += 1;
        result.conflicts.push(...outcome.conflicts.map((key) => ({ customerId: String(_id), key })));
      }
      if (page.length < BATCH) break;
      after = page[page.length - 1]!._id;
    }
    if (result.conflicts.length > 0)
      this.deps.logger.warn({ conflicts: result.conflicts }, 'existing customers share a duplicate key');
    return result;
  }

  private recomputeOne(id: Types.ObjectId): Promise<'skipped' | { conflicts: string[] }> {
    return this.deps.lock.withLock(customerLockKey(String(id)), LOCK_TTL_MS, async () => {
      const doc = await this.deps.customers.findById(id).lean<CustomerDoc>();
      if (!doc || (doc.keyVersion ?? 0) >= CUSTOMER_KEY_VERSION) return 'skipped';
      const { fields, keys } = derivedKeyFields({
        name: doc.name,
        type: doc.type,
        phone: doc.phone ?? null,
        contacts: doc.contacts ?? [],
      });
      const held = await this.deps.keys.heldBy(doc._id);
      const conflicts = await this.reserveEach(
        doc._id,
        keys.filter((k) => !held.includes(k)),
      );
      await this.deps.keys.release(
        doc._id,
        held.filter((k) => !keys.includes(k)),
      );
      await this.deps.customers.updateOne({ _id: doc._id }, { $set: fields });
      return { conflicts };
    });
  }

  /**
   * One key at a time, so a key another customer holds does not stop the others: that customer
   * keeps it and the duplicate guard goes on refusing the spelling, naming its owner. `keys` are
   * those the customer does not hold (read under the lock just before).
   */
  private async reserveEach(id: Types.ObjectId, keys: readonly string[]): Promise<string[]> {
    const conflicts: string[] = [];
    for (const key of keys) {
      try {
        await this.deps.keys.reserve(id, [key], true);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'DUPLICATE')) throw err;
        conflicts.push(key);
      }
    }
    return conflicts;
  }
}
