import crypto from 'node:crypto';
import os from 'node:os';
import type { Channel } from '@gantry/shared';
import type { Logger } from '../../core/logger';
import type { ChannelDelivery, DeliveryResult } from './channels/channel';
import type { NoticeDoc, NoticeModel } from './notice.model';

export interface OutboxWorkerOptions {
  notices: NoticeModel;
  channels: Record<Channel, ChannelDelivery>;
  logger: Logger;
  leaseSeconds: number;
  maxAttempts: number;
  backoffSeconds: number[];
  pollMs: number;
  concurrency: number;
}

/**
 * Delivers the outbox. A notice is claimed with one atomic update that sets a lease; only the lease
 * holder may complete it, and a notice whose lease ran out (its worker died) is claimed again.
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
    for (;;) {
      const batch = await Promise.all(Array.from({ length: this.o.concurrency }, () => this.processOne()));
      const done = batch.filter(Boolean).length;
      delivered += done;
      if (done === 0) return delivered;
    }
  }

  private async lane(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.processOne();
      } catch (err) {
        this.o.logger.error({ err }, 'outbox worker error');
      }
      if (!worked && this.running) await this.idle();
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

  /** Claims one due notice and delivers it; false when nothing was due. */
  async processOne(): Promise<boolean> {
    const notice = await this.claim();
    if (!notice) return false;
    let result: DeliveryResult;
    try {
      result = await this.o.channels[notice.channel].deliver(notice);
    } catch (err) {
      result = { kind: 'retry', error: (err as Error).message };
    }
    await this.complete(notice, result);
    return true;
  }

  private async claim(): Promise<NoticeDoc | null> {
    const now = new Date();
    return this.o.notices
      .findOneAndUpdate(
        {
          nextAttemptAt: { $lte: now },
          $or: [{ status: 'pending' }, { status: 'delivering', leaseUntil: { $lt: now } }],
        },
        {
          $set: { status: 'delivering', leaseUntil: new Date(now.getTime() + this.o.leaseSeconds * 1000), leaseOwner: this.id },
          $inc: { attempts: 1 },
        },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
      )
      .lean<NoticeDoc>();
  }

  private async complete(notice: NoticeDoc, result: DeliveryResult): Promise<void> {
    const now = new Date();
    const set = (fields: Record<string, unknown>) => ({ $set: { leaseUntil: null, leaseOwner: null, ...fields } });
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
        update = { ...set({ status: 'pending', nextAttemptAt: result.at, lastError: result.reason }), $inc: { attempts: -1 } };
        break;
      case 'retry': {
        const dead = notice.attempts >= this.o.maxAttempts;
        const delay = this.o.backoffSeconds[Math.min(notice.attempts - 1, this.o.backoffSeconds.length - 1)] ?? 60;
        update = set({
          status: dead ? 'dead' : 'pending',
          nextAttemptAt: new Date(now.getTime() + delay * 1000),
          lastError: result.error,
        });
        if (dead) this.o.logger.warn({ notice: String(notice._id), error: result.error }, 'notice is dead after its last attempt');
        break;
      }
    }
    // Only the lease holder completes: a worker whose lease expired mid-delivery changes nothing.
    await this.o.notices.updateOne({ _id: notice._id, leaseOwner: this.id, status: 'delivering' }, update);
  }
}
