import type { Types } from 'mongoose';
import type { JobOutcome, JobTrigger } from '@gantry/shared';
import type { Logger } from '../logger';
import type { JobRunDoc, JobRunModel } from './job-run.model';
import type { RedisLock } from '../redis-lock';

export interface JobContext {
  /** The scheduled fire time (for a manual run: when it was asked for). */
  tick: Date;
  trigger: JobTrigger;
  logger: Logger;
}

export interface JobDefinition {
  /** `domain.action`, e.g. `invites.purge-expired`; also the key of its config override. */
  name: string;
  description: string;
  /** node-schedule cron (six fields allowed: seconds first), read in the configured timezone. */
  cron: string;
  /** A run longer than this is recorded as timed_out (it is not killed). */
  timeoutMs: number;
  run(ctx: JobContext): Promise<Record<string, unknown> | void>;
}

/** The running lock outlives the timeout by this much, so it never expires under a healthy run. */
const LOCK_MARGIN_MS = 5_000;
const MAX_ERROR_LENGTH = 1000;

export interface StartedRun {
  record: JobRunDoc;
  /** Settles when the job has really ended (even after a timeout) and its lock is released. */
  done: Promise<void>;
}

type Settled = { ok: true; result: Record<string, unknown> | null } | { ok: false; error: string };

export const runningLockKey = (job: string) => `job-lock:${job}`;

/**
 * Runs one job once: takes the running lock `job-lock:<name>` (so two runs of a job never
 * overlap, whatever triggered them), records the run in job_runs, applies the timeout, and
 * releases the lock with its token.
 */
export class JobRunner {
  constructor(
    private readonly deps: { runs: JobRunModel; lock: RedisLock; logger: Logger; instanceId: string },
  ) {}

  /** Null when another run of the job holds the lock. */
  async begin(
    job: JobDefinition,
    tick: Date,
    trigger: JobTrigger,
    actorId: string | null,
  ): Promise<StartedRun | null> {
    const key = runningLockKey(job.name);
    const token = await this.deps.lock.acquire(key, job.timeoutMs + LOCK_MARGIN_MS);
    if (!token) return null;
    let record: JobRunDoc;
    try {
      const created = await this.deps.runs.create({
        ...this.base(job, tick, trigger, actorId),
        outcome: 'running',
      });
      record = created.toObject() as JobRunDoc;
    } catch (err) {
      await this.deps.lock.release(key, token);
      throw err;
    }
    const done = this.execute(job, record, token);
    return { record, done };
  }

  async recordSkipped(job: JobDefinition, tick: Date, reason: string): Promise<JobRunDoc> {
    const created = await this.deps.runs.create({
      ...this.base(job, tick, 'schedule', null),
      endedAt: new Date(),
      outcome: 'skipped',
      error: reason,
    });
    return created.toObject() as JobRunDoc;
  }

  private base(job: JobDefinition, tick: Date, trigger: JobTrigger, actorId: string | null) {
    return { job: job.name, trigger, tick, instanceId: this.deps.instanceId, actorId, startedAt: new Date() };
  }

  private async execute(job: JobDefinition, record: JobRunDoc, token: string): Promise<void> {
    const logger = this.deps.logger.child({
      job: job.name,
      runId: String(record._id),
      trigger: record.trigger,
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), job.timeoutMs);
    });
    const work = settle(job, { tick: record.tick, trigger: record.trigger, logger });
    try {
      const first = await Promise.race([work, timedOut]);
      if (first === 'timeout') {
        await this.finish(record._id, 'timed_out', { error: `运行超过 ${job.timeoutMs} 毫秒仍未结束` });
        logger.warn({ timeoutMs: job.timeoutMs }, 'job timed out; letting it finish');
        const late = await work;
        logger.warn({ ok: late.ok, error: late.ok ? undefined : late.error }, 'timed-out job ended');
      } else if (first.ok) {
        await this.finish(record._id, 'succeeded', { result: first.result });
      } else {
        logger.error({ error: first.error }, 'job failed');
        await this.finish(record._id, 'failed', { error: first.error });
      }
    } catch (err) {
      logger.error({ err }, 'could not record the end of a job run');
    } finally {
      clearTimeout(timer);
      await this.deps.lock
        .release(runningLockKey(job.name), token)
        .catch((err: unknown) => logger.error({ err }, 'lock release failed'));
    }
  }

  /** Guarded on `running`, so a late end never overwrites a timed_out record. */
  private async finish(
    id: Types.ObjectId,
    outcome: JobOutcome,
    fields: { result?: Record<string, unknown> | null; error?: string },
  ) {
    await this.deps.runs.updateOne(
      { _id: id, outcome: 'running' },
      { $set: { outcome, endedAt: new Date(), ...fields } },
    );
  }
}

async function settle(job: JobDefinition, ctx: JobContext): Promise<Settled> {
  try {
    const result = await job.run(ctx);
    return { ok: true, result: result ?? null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: message.slice(0, MAX_ERROR_LENGTH) };
  }
}
