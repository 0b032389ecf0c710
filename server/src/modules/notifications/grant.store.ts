import type { Redis } from '../../core/redis';
import { RedisLock } from '../../core/redis-lock';
import type { GrantModel } from './grant.model';

export interface GrantKey {
  accountId: string;
  templateId: string;
}

/**
 * The arithmetic of one-time subscribe grants, in one place. Every change runs under a per-grant
 * Redis lock: FerretDB v1 loses concurrent `$inc`s to one document and does not make a guarded
 * update atomic (MongoDB does both; there the lock only costs a round trip).
 */
export class GrantStore {
  private readonly lock: RedisLock;

  constructor(
    readonly model: GrantModel,
    redis: Redis,
  ) {
    this.lock = new RedisLock(redis);
  }

  private locked<T>(key: GrantKey, fn: () => Promise<T>): Promise<T> {
    return this.lock.withLock(`grant:${key.accountId}:${key.templateId}`, 5000, fn);
  }

  /** Uses one grant; false when none is left. */
  take(key: GrantKey): Promise<boolean> {
    return this.locked(key, async () => {
      const taken = await this.model.findOneAndUpdate(
        { ...key, remaining: { $gt: 0 } },
        { $inc: { remaining: -1 } },
      );
      return taken !== null;
    });
  }

  /** Adds `count` grants (the user accepted in wx.requestSubscribeMessage, or a send was refused). */
  give(key: GrantKey, count = 1): Promise<unknown> {
    return this.locked(key, () =>
      this.model.updateOne(key, { $inc: { remaining: count } }, { upsert: true }),
    );
  }

  /** WeChat says the user holds none (43101): trust it. */
  clear(key: GrantKey): Promise<unknown> {
    return this.locked(key, () => this.model.updateOne(key, { $set: { remaining: 0 } }));
  }
}
