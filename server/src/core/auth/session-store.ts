import crypto from 'node:crypto';
import type { Redis } from '../redis';
import type { Actor } from './actor';

/**
 * Opaque bearer tokens kept in Redis. The token itself is 32 random bytes; Redis stores only its
 * SHA-256, so a dump of Redis yields no usable token. Every session of a user is indexed under the
 * user, so deactivating or changing a user revokes all their tokens at once.
 */
export type SessionData = Omit<Actor, 'sessionId'> & { expiresAt: string };

const sessionKey = (id: string) => `session:${id}`;
const userSessionsKey = (userId: string) => `user-sessions:${userId}`;

function sessionIdOf(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  constructor(private readonly redis: Redis) {}

  async create(
    actor: Omit<Actor, 'sessionId'>,
    ttlSeconds: number,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const id = sessionIdOf(token);
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const data: SessionData = { ...actor, expiresAt: expiresAt.toISOString() };
    await this.redis
      .multi()
      .set(sessionKey(id), JSON.stringify(data), 'EX', ttlSeconds)
      .sadd(userSessionsKey(actor.id), id)
      .expire(userSessionsKey(actor.id), ttlSeconds, 'GT')
      .exec();
    // EXPIRE … GT does nothing on a key without a TTL; give a fresh set one.
    await this.redis.expire(userSessionsKey(actor.id), ttlSeconds, 'NX');
    return { token, expiresAt };
  }

  async resolve(token: string): Promise<Actor | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const id = sessionIdOf(token);
    const raw = await this.redis.get(sessionKey(id));
    if (!raw) return null;
    const data = JSON.parse(raw) as SessionData;
    const { expiresAt: _expiresAt, ...actor } = data;
    return { ...actor, sessionId: id };
  }

  async update(sessionId: string, patch: Partial<Pick<Actor, 'customerId' | 'name'>>): Promise<void> {
    const raw = await this.redis.get(sessionKey(sessionId));
    if (!raw) return;
    const ttl = await this.redis.ttl(sessionKey(sessionId));
    if (ttl <= 0) return;
    await this.redis.set(sessionKey(sessionId), JSON.stringify({ ...JSON.parse(raw), ...patch }), 'EX', ttl);
  }

  async revoke(actor: Pick<Actor, 'id' | 'sessionId'>): Promise<void> {
    await this.redis
      .multi()
      .del(sessionKey(actor.sessionId))
      .srem(userSessionsKey(actor.id), actor.sessionId)
      .exec();
  }

  async revokeAllFor(userId: string): Promise<number> {
    const ids = await this.redis.smembers(userSessionsKey(userId));
    if (ids.length === 0) return 0;
    await this.redis
      .multi()
      .del(...ids.map(sessionKey))
      .del(userSessionsKey(userId))
      .exec();
    return ids.length;
  }
}
