import crypto from 'node:crypto';
import type { Redis } from '../../core/redis';

const devicesKey = (userId: string) => `signin-devices:${userId}`;
const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/**
 * Clients that have signed in to a user before. Each gets a random token at a successful sign-in;
 * Redis keeps only its SHA-256, per user, with the time it stops counting, so a token is worth
 * nothing for another user and a Redis dump yields none.
 */
export class KnownDevices {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async isKnown(userId: string | null, token: string | undefined): Promise<boolean> {
    if (!userId || !token) return false;
    const expiresAt = await this.redis.hget(devicesKey(userId), hashOf(token));
    return Number(expiresAt ?? 0) > this.now();
  }

  /** After a successful sign-in: the same token again (its time renewed) if it was known, else a new one. */
  async remember(userId: string, presented: string | undefined): Promise<string> {
    const token =
      presented && (await this.isKnown(userId, presented))
        ? presented
        : crypto.randomBytes(32).toString('base64url');
    const key = devicesKey(userId);
    const now = this.now();
    const stale = Object.entries(await this.redis.hgetall(key))
      .filter(([, expiresAt]) => Number(expiresAt) <= now)
      .map(([hash]) => hash);
    const write = this.redis.multi().hset(key, hashOf(token), String(now + this.ttlSeconds * 1000));
    if (stale.length > 0) write.hdel(key, ...stale);
    await write.expire(key, this.ttlSeconds).exec();
    return token;
  }

  /** A password set by an admin starts the account afresh: no client is trusted from before. */
  async forgetAll(userId: string): Promise<void> {
    await this.redis.del(devicesKey(userId));
  }
}
