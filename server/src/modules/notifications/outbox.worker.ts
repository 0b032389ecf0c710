import crypto from 'node:crypto';
import os from 'node:os';
import type { Channel } from '@gantry/shared';
import { isDuplicateKeyError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ChannelDelivery, DeliveryResult } from './channels/channel';
import type { NoticeAttemptModel } from './notice-attempt.model';
import type { NoticeDoc, NoticeModel } from './notice.model';

export interface OutboxWorkerOptions {
  notices: NoticeModel;
  attempts: NoticeAttemptModel;
  channels: Record<Channel, ChannelDelivery>;
  logger: Logger;
  leaseSeconds: number;
  maxAttempts: number;
  backoffSeconds: number[];
  pollMs: number;
  concurrency: number;
}

const CANDIDATES = 16;

/**
 * Delivers the outbox. A worker claims attempt N+1 of a due notice by inserting that attempt's row
 * (unique per notice and attempt), which gives it a lease; only the lease holder completes the
 * notice, and a notice whose lease ran out (its worker died) is claimed again as the next attempt.
 *
 * Guarantee: enqueueing is exactly once per dedupe key (unique index); inbox delivery is exactly
 * once (the inbox's unique index); WeChat and WeCom deliveries are at least once — a second send
 * can only happen if a worker dies after WeChat accepted a message and before the worker recorded
 * it, a window of one database write. Retries back off; after `maxAttempts` a notice is `dead`.
 */
interface Claimed {
  notice: NoticeDoc;
  token: string;
  attempt: number;
}

export class OutboxWorker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private running = false;
  private lanes: Promise<void>[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lanes = Array.from({ length: this.o.concurrency }, () => this.lane());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await Promise.allSettled(this.lanes);
    this.lanes = [];
  }

  /** Something was enqueued: stop waiting for the next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Delivers everything due now, then returns (tests, benchmarks, manual runs). */
  async drain(): Promise<number> {
    let delivered = 0;
    const lane = async () => {
      for (;;) {
        const outcome = await this.processOne();
        if (outcome === 'idle') return;
        if (outcome === 'done') delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, lane));
    return delivered;
  }

  private async lane(): Promise<void> {
    while (this.running) {
      let outcome: 'done' | 'lost' | 'idle' = 'idle';
      try {
        outcome = await this.processOne();
      } catch (err) {
        this.o.logger.error({ err }, 'outbox worker error');
      }
      if (outcome === 'idle' && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.o.pollMs);
      const previous = this.wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        previous?.();
        done();
      };
    }).then(() => {
      this.wake = null;
    });
  }

  /** Claims one due notice and delivers it: 'done'; 'lost' when others took every due one; 'idle' when none was due. */
  async processOne(): Promise<'done' | 'lost' | 'idle'> {
    const claimed = await this.claim();
    if (claimed === 'idle' || claimed === 'lost') return claimed;
    const { notice } = claimed;
    let result: DeliveryResult;
    try {
      result = await this.o.channels[notice.channel].deliver(notice);
    } catch (err) {
      result = { kind: 'retry', error: (err as Error).message };
    }
    await this.complete(claimed, result);
    return 'done';
  }

  private async claim(): Promise<Claimed | 'lost' | 'idle'> {
    const now = new Date();
    const due = await this.o.notices
      .find({
        nextAttemptAt: { $lte: now },
        $or: [{ status: 'pending' }, { status: 'delivering', leaseUntil: { $lt: now } }],
      })
      .sort({ nextAttemptAt: 1 })
      .limit(CANDIDATES)
      .lean<NoticeDoc[]>();
    // Lanes and workers start at different places in the list so they rarely race for one notice.
    const offset = due.length ? crypto.randomInt(due.length) : 0;
    for (let i = 0; i < due.length; i += 1) {
      const claimed = await this.tryClaim(due[(i + offset) % due.length] as NoticeDoc, now);
      if (claimed) return claimed;
    }
    return due.length === 0 ? 'idle' : 'lost';
  }

  private async tryClaim(candidate: NoticeDoc, now: Date): Promise<Claimed | null> {
    const token = crypto.randomBytes(12).toString('hex');
    const leaseUntil = new Date(now.getTime() + this.o.leaseSeconds * 1000);
    for (let attempt = candidate.attempts + 1; attempt <= candidate.attempts + 3; attempt += 1) {
      if (await this.insertAttempt(candidate, attempt, token, now, leaseUntil)) {
        // The candidate may be stale: make sure the notice still waits for this attempt.
        const fresh = await this.o.notices.findById(candidate._id).lean<NoticeDoc>();
        const claimable =
          fresh &&
          fresh.attempts < attempt &&
          (fresh.status === 'pending' || (fresh.status === 'delivering' && (fresh.leaseUntil ?? now) <= now));
        if (!fresh || !claimable) {
          await this.finishAttempt(candidate._id, attempt, 'abandoned', 'notice moved on before this claim');
          return null;
        }
        await this.o.notices.updateOne(
          { _id: fresh._id },
          { $set: { status: 'delivering', attempts: attempt, leaseUntil, leaseOwner: token } },
        );
        return {
          notice: { ...fresh, attempts: attempt, status: 'delivering', leaseUntil, leaseOwner: token },
          token,
          attempt,
        };
      }
      // Another worker holds this attempt. Only an abandoned one (its worker died before it
      // finished) lets us go on to the next number; a live or finished one means the notice is taken.
      const held = await this.o.attempts.findOne({ noticeId: candidate._id, attempt }).lean();
      if (!held || held.finishedAt || held.leaseUntil > now) return null;
    }
    return null;
  }

  private async insertAttempt(
    notice: NoticeDoc,
    attempt: number,
    token: string,
    now: Date,
    leaseUntil: Date,
  ): Promise<boolean> {
    try {
      await this.o.attempts.create({
        noticeId: notice._id,
        attempt,
        token,
        workerId: this.id,
        claimedAt: now,
        leaseUntil,
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  private async finishAttempt(
    noticeId: NoticeDoc['_id'],
    attempt: number,
    outcome: string,
    error: string | null,
  ) {
    await this.o.attempts.updateOne(
      { noticeId, attempt },
      { $set: { finishedAt: new Date(), outcome, error } },
    );
  }

  private async complete({ notice, token, attempt }: Claimed, result: DeliveryResult): Promise<void> {
    const now = new Date();
    const set = (fields: Record<string, unknown>) => ({
      $set: { leaseUntil: null, leaseOwner: null, ...fields },
    });
    let update: Record<string, unknown>;
    switch (result.kind) {
      case 'sent':
        update = set({ status: 'sent', sentAt: now, lastError: null });
        break;
      case 'skipped':
      case 'digest':
        update = set({ status: result.kind === 'digest' ? 'digest' : 'skipped', lastError: result.reason });
        break;
      case 'failed':
        update = set({ status: 'failed', lastError: result.error });
        break;
      case 'reschedule':
        // held back by a rate limit: not a failure, so it does not bring the notice closer to dead
        update = {
          ...set({ status: 'pending', nextAttemptAt: result.at, lastError: result.reason }),
          $inc: { deferrals: 1 },
        };
        break;
      case 'retry': {
        const failures = attempt - (notice.deferrals ?? 0);
        const dead = failures >= this.o.maxAttempts;
        const delay = this.o.backoffSeconds[Math.min(failures - 1, this.o.backoffSeconds.length - 1)] ?? 60;
        update = set({
          status: dead ? 'dead' : 'pending',
          nextAttemptAt: new Date(now.getTime() + delay * 1000),
          lastError: result.error,
        });
        if (dead)
          this.o.logger.warn(
            { notice: String(notice._id), error: result.error },
            'notice is dead after its last attempt',
          );
        break;
      }
    }
    // Only the lease holder completes: a worker whose lease expired mid-delivery changes nothing.
    await this.o.notices.updateOne({ _id: notice._id, leaseOwner: token, status: 'delivering' }, update);
    await this.finishAttempt(
      notice._id,
      attempt,
      result.kind,
      'error' in result ? result.error : 'reason' in result ? result.reason : null,
    );
  }
}
