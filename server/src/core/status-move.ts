import type { Model, Types } from 'mongoose';
import { retryTransient } from './db';
import { ConflictError, NotFoundError } from './errors';
import type { RedisLock } from './redis-lock';

type Changes = Record<string, unknown>;

export interface StatusMove<S extends string, D extends { _id: Types.ObjectId; status: S }> {
  lock: RedisLock;
  lockKey: string;
  lockTtlMs: number;
  model: Model<D>;
  id: string;
  to: S;
  /** The status machine: may a record in `from` move to `to`? */
  canMove(from: S, to: S): boolean;
  /** The 409's message when it may not (Chinese, naming both statuses). */
  refusal(from: S, to: S): string;
  /** The other fields the move sets (read from the record as it stands under the lock). */
  changes(doc: D, now: Date): Changes | Promise<Changes>;
  /** Writes the audit entry of the move (`set` includes the new status). */
  audit(doc: D, set: Changes): Promise<void>;
}

/**
 * One status move of a record under its Redis lock: read it fresh, check the machine (409
 * otherwise), set the new status and the move's fields, audit. FerretDB v1 makes no guarded update
 * atomic, so the lock is what keeps two moves of one record from both passing the check. Answers
 * the record as it is after the move.
 */
export function moveUnderLock<S extends string, D extends { _id: Types.ObjectId; status: S }>(
  m: StatusMove<S, D>,
): Promise<D> {
  return m.lock.withLock(m.lockKey, m.lockTtlMs, async () => {
    const doc = await m.model.findById(m.id).lean<D>();
    if (!doc) throw new NotFoundError();
    if (!m.canMove(doc.status, m.to))
      throw new ConflictError('CONFLICT', m.refusal(doc.status, m.to), { from: doc.status, to: m.to });
    const set = { ...(await m.changes(doc, new Date())), status: m.to };
    await retryTransient(() => m.model.updateOne({ _id: doc._id }, { $set: set }));
    await m.audit(doc, set);
    return { ...doc, ...set } as D;
  });
}
