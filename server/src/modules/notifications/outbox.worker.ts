import crypto from 'node:crypto';
import os from 'node:os';
import type { Channel } from '@gantry/shared';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ChannelDelivery, DeliveryResult } from './channels/channel';
import type { NoticeAttemptModel } from './notice-attempt.model';
import type { NoticeDoc, NoticeModel } from './notice.model';
import type { OutboxQueue } from './outbox.queue';

export interface OutboxWorkerOptions {
  notices: NoticeModel;
  attempts: NoticeAttemptModel;
  queue: OutboxQueue;
  channels: Record<Channel, ChannelDelivery>;
  logger: Logger;
  leaseSeconds: number;
  maxAttempts: number;
  backoffSeconds: number[];
  pollMs: number;
  concurrency: number;
}

const OPEN = new Set(['pending', 'delivering']);

interface Claimed {
  notice: NoticeDoc;
  attempt: number;
}

type Step = 'done' | 'lost' | 'idle';

/**
 * Delivers the outbox.
 *
 * Claiming: the due-queue in Redis hands a due notice to one worker with a lease. The worker then
 * claims attempt N+1 by inserting that attempt's row, unique per (notice, attempt): even a worker
 * whose lease ran out while it was still busy cannot make the same attempt twice. A notice whose
 * worker died becomes due again when the lease ends; its attempt row is left unfinished, and the
 * next worker claims the attempt after it. The notice itself is written once, when the attempt
 * ends (each write costs a collection scan on FerretDB v1).
 *
 * Guarantee: enqueueing is exactly once per dedupe key (unique index); inbox delivery is exactly
 * once (the inbox's unique index); WeChat and WeCom deliveries are at least once — a second send
 * can only happen if a worker dies after WeChat accepted a message and before the worker recorded
 * it, a window of one database write. Retries back off; after `maxAttempts` a notice is `dead`.
 */
export class OutboxWorker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private running = false;
  private lanes: Promise<void>[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.o.queue
      .resync(this.o.notices)
      .catch((err: unknown) => this.o.logger.error({ err }, 'outbox resync failed'));
    this.lanes = Array.from({ length: this.o.concurrency }, () => this.lane());
  }

  /**
   * Stops claiming and waits at most `graceMs` for the deliveries under way. One still going when
   * the process then exits loses its lease, and another worker makes the next attempt.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(this.lanes), grace]);
    clearTimeout(timer);
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
        const step = await this.processOne();
        if (step === 'idle') return;
        if (step === 'done') delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, lane));
    return delivered;
  }

  private async lane(): Promise<void> {
    while (this.running) {
      let step: Step = 'idle';
      try {
        step = await this.processOne();
      } catch (err) {
        this.o.logger.error({ err }, 'outbox worker error');
      }
      if (step === 'idle' && this.running) await this.idle();
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

  /** 'done' after delivering one notice; 'lost' when another worker held it; 'idle' when none was due. */
  async processOne(): Promise<Step> {
    const claimed = await this.claim();
    if (claimed === 'idle' || claimed === 'lost') return claimed;
    let result: DeliveryResult;
    try {
      result = await this.o.channels[claimed.notice.channel].deliver(claimed.notice);
    } catch (err) {
      result = { kind: 'retry', error: (err as Error).message };
    }
    await this.complete(claimed, result);
    return 'done';
  }

  private async claim(): Promise<Claimed | 'lost' | 'idle'> {
    for (;;) {
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + this.o.leaseSeconds * 1000);
      const id = await this.o.queue.claim(now, leaseUntil);
      if (!id) return 'idle';
      const notice = await this.o.notices.findById(id).lean<NoticeDoc>();
      if (!notice || !OPEN.has(notice.status)) {
        await this.o.queue.remove(id); // finished meanwhile, or a stale entry
        continue;
      }
      return (await this.claimAttempt(notice, now, leaseUntil)) ?? 'lost';
    }
  }

  /** Inserts the next attempt's row; an abandoned attempt (lease over, never finished) is skipped. */
  private async claimAttempt(notice: NoticeDoc, now: Date, leaseUntil: Date): Promise<Claimed | null> {
    for (let attempt = notice.attempts + 1; attempt <= notice.attempts + 5; attempt += 1) {
      try {
        await this.o.attempts.create({
          noticeId: notice._id,
          attempt,
          workerId: this.id,
          claimedAt: now,
          leaseUntil,
        });
        return { notice: { ...notice, attempts: attempt }, attempt };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const held = await this.o.attempts.findOne({ noticeId: notice._id, attempt }).lean();
      if (held && held.leaseUntil > now) return null; // a live worker has it
    }
    return null;
  }

  private async complete({ notice, attempt }: Claimed, result: DeliveryResult): Promise<void> {
    const now = new Date();
    const fields: Record<string, unknown> = { attempts: attempt, leaseUntil: null, leaseOwner: null };
    let deferred = false;
    switch (result.kind) {
      case 'sent':
        Object.assign(fields, { status: 'sent', sentAt: now, lastError: null });
        break;
      case 'skipped':
      case 'digest':
        Object.assign(fields, { status: result.kind, lastError: result.reason });
        break;
      case 'failed':
        Object.assign(fields, { status: 'failed', lastError: result.error });
        break;
      case 'reschedule':
        // held back by a rate limit: not a failure, so it does not bring the notice closer to dead
        Object.assign(fields, { status: 'pending', nextAttemptAt: result.at, lastError: result.reason });
        deferred = true;
        break;
      case 'retry': {
        const failures = attempt - (notice.deferrals ?? 0);
        const dead = failures >= this.o.maxAttempts;
        const delay = this.o.backoffSeconds[Math.min(failures - 1, this.o.backoffSeconds.length - 1)] ?? 60;
        Object.assign(fields, {
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
    // A worker whose lease ran out and whose notice has since moved on by a later attempt changes nothing.
    // Retried when the database is busy: a lost completion would mean sending the notice again.
    await retryTransient(() =>
      this.o.notices.updateOne(
        { _id: notice._id, attempts: { $lt: attempt } },
        { $set: fields, ...(deferred ? { $inc: { deferrals: 1 } } : {}) },
      ),
    );
    if (fields.status === 'pending')
      await this.o.queue.reschedule(String(notice._id), fields.nextAttemptAt as Date);
    else await this.o.queue.remove(String(notice._id));
  }
}
