import type { Redis } from '../../core/redis';
import type { NoticeModel } from './notice.model';

const KEY = 'outbox:due';

// Pops the earliest due notice and pushes it back with the lease's end as its score: one winner per
// notice, and a notice whose worker dies becomes due again when the lease ends.
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
redis.call('ZADD', KEYS[1], ARGV[2], ids[1])
return ids[1]`;

/**
 * Which notices are due, and when: a Redis sorted set (notice id → due time in ms) beside the
 * outbox in MongoDB, which stays the record. Workers never scan the outbox to find work — FerretDB
 * v1 answers such queries by reading the whole collection — and a lost entry is put back by
 * `resync` (run by a scheduled job and at worker start) from the notices themselves.
 */
export class OutboxQueue {
  constructor(private readonly redis: Redis) {}

  async add(entries: Array<{ id: string; dueAt: Date }>): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.zadd(KEY, ...entries.flatMap((e) => [e.dueAt.getTime(), e.id]));
  }

  async reschedule(id: string, dueAt: Date): Promise<void> {
    await this.redis.zadd(KEY, dueAt.getTime(), id);
  }

  async remove(id: string): Promise<void> {
    await this.redis.zrem(KEY, id);
  }

  /** The id of a due notice, now leased until `leaseUntil`; null when nothing is due. */
  async claim(now: Date, leaseUntil: Date): Promise<string | null> {
    const id = await this.redis.eval(CLAIM, 1, KEY, now.getTime(), leaseUntil.getTime());
    return typeof id === 'string' ? id : null;
  }

  async size(): Promise<number> {
    return this.redis.zcard(KEY);
  }

  /** Puts back every unfinished notice the set lost (Redis flushed, a crash between two writes). */
  async resync(notices: NoticeModel, limit = 5000): Promise<number> {
    const open = await notices
      .find(
        { status: { $in: ['pending', 'delivering'] } },
        { _id: 1, nextAttemptAt: 1, leaseUntil: 1, status: 1 },
      )
      .limit(limit)
      .lean();
    if (open.length === 0) return 0;
    const args = open.flatMap((n) => [
      (n.status === 'delivering' && n.leaseUntil ? n.leaseUntil : n.nextAttemptAt).getTime(),
      String(n._id),
    ]);
    return this.redis.zadd(KEY, 'NX', ...args);
  }
}
