import crypto from 'node:crypto';
import { AppError } from './errors';
import type { Redis } from './redis';

/** Someone else held the lock for longer than the caller would wait: a 409 the user can retry. */
export class LockBusyError extends AppError {
  constructor(readonly key: string) {
    super('BUSY');
  }
}

// Delete only if the key still holds our token: a lock that expired and was taken by another
// holder must survive our late release.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extend only if the key still holds our token: a holder must not revive a lease that lapsed and
// went to someone else.
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export function newLockToken(): string {
  return crypto.randomBytes(16).toString('hex');
}

/**
 * Redis locks (scheduler ticks, access-token refresh, mutual exclusion where FerretDB's guarded
 * updates are not atomic). Keys go through ioredis (and its keyPrefix); the release script
 * receives its key as KEYS[1], which ioredis prefixes too.
 */
export class RedisLock {
  constructor(private readonly redis: Redis) {}

  /** Takes `key` for `ttlMs`; answers the token that releases it, or null if someone holds it. */
  async acquire(key: string, ttlMs: number, token = newLockToken()): Promise<string | null> {
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  /** Gives the holder another `ttlMs`; false when the lock lapsed (or is someone else's now). */
  async renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.redis.eval(RENEW_SCRIPT, 1, key, token, String(ttlMs));
    return renewed === 1;
  }

  /** The token that holds `key` now, or null when nobody does. */
  async holder(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  /** True when the lock was ours and is now gone; false when it expired or belongs to another. */
  async release(key: string, token: string): Promise<boolean> {
    const deleted = await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
    return deleted === 1;
  }

  /** A one-time claim (never released, it just expires): true for exactly one caller per key. */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.acquire(key, ttlMs)) !== null;
  }

  /**
   * Runs `fn` while holding `key`, waiting up to `waitMs` for it. `ttlMs` must exceed what `fn`
   * can take; it only matters when the holder dies, so the lock is never held forever.
   */
  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>, waitMs = 5000): Promise<T> {
    const deadline = Date.now() + waitMs;
    let token = await this.acquire(key, ttlMs);
    while (!token) {
      if (Date.now() > deadline) throw new LockBusyError(key);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
      token = await this.acquire(key, ttlMs);
    }
    try {
      return await fn();
    } finally {
      await this.release(key, token);
    }
  }
}
