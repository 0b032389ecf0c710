import { Types } from 'mongoose';
import type { JobOutcome, JobTrigger } from '@gantry/shared';
import { isDuplicateKeyError } from '../errors';
import type { Logger } from '../logger';
import { newLockToken, type RedisLock } from '../redis-lock';
import { JobLease, type LeaseSettings } from './job-lease';
import type { JobRunDoc, JobRunModel } from './job-run.model';
import { openRunOf, type OpenRun, type OpenRuns } from './open-runs';

export interface JobContext {
  /** The scheduled fire time (for a manual run: when it was asked for). */
  tick: Date;
  trigger: JobTrigger;
  /** 1, or more when this run repeats a tick whose earlier run was abandoned by a dead instance. */
  attempt: number;
  logger: Logger;
  /**
   * Aborted when the run timed out or this instance lost its lease (another instance may be
   * running the job now): a job that works through many items stops taking new ones.
   */
  signal: AbortSignal;
}

export interface JobDefinition {
  /** `domain.action`, e.g. `invites.purge-expired`; also the key of its config override. */
  name: string;
  description: string;
  /** node-schedule cron (six fields allowed: seconds first), read in the configured timezone. */
  cron: string;
  /** A run longer than this is recorded as timed_out (it is not killed). */
  timeoutMs: number;
  /** Must be safe to run again for the same tick: a run abandoned half-way is repeated. */
  run(ctx: JobContext): Promise<Record<string, unknown> | void>;
}

const MAX_ERROR_LENGTH = 1000;

export interface StartedRun {
  record: JobRunDoc;
  /** Settles when the job has really ended (even after a timeout) and its lease is released. */
  done: Promise<void>;
}

/** The outcome of claiming a tick: started here, recorded skipped (the job still runs), or another instance's. */
export type TickClaim =
  { kind: 'started'; run: StartedRun } | { kind: 'skipped'; record: JobRunDoc } | { kind: 'taken' };

type Settled = { ok: true; result: Record<string, unknown> | null } | { ok: false; error: string };

export const runningLockKey = (job: string) => `job-lock:${job}`;
export const tickClaimKey = (job: string, tick: Date, attempt: number) =>
  `${job}@${tick.toISOString()}#${attempt}`;

export interface JobRunnerDeps {
  runs: JobRunModel;
  lock: RedisLock;
  open: OpenRuns;
  logger: Logger;
  instanceId: string;
  lease: LeaseSettings;
}

/**
 * Runs one job once: holds the lease `job-lock:<name>` while it runs (so two runs of a job never
 * overlap, whatever triggered them), records the run in job_runs, applies the timeout, and
 * releases the lease with its token.
 */
export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  /**
   * Claims attempt `attempt` of a scheduled tick. The record goes first: its unique claim key is
   * where instances agree who runs the tick, and once written, a crash before the lease is taken
   * still leaves a `running` record that another instance takes over. `heldToken`: the caller
   * already holds the job's lease (a re-run after a crash).
   */
  async claimTick(job: JobDefinition, tick: Date, attempt: number, heldToken?: string): Promise<TickClaim> {
    const record = this.newRecord(job, tick, 'schedule', null, attempt, heldToken ?? newLockToken());
    const open = openRunOf(record);
    await this.deps.open.add(open, record.startedAt);
    try {
      await this.deps.runs.create(record);
    } catch (err) {
      await this.deps.open.remove(open);
      if (isDuplicateKeyError(err)) return { kind: 'taken' };
      throw err;
    }
    if (!heldToken) {
      const token = await this.deps.lock.acquire(
        runningLockKey(job.name),
        this.deps.lease.leaseMs,
        record.leaseToken!,
      );
      if (!token) return { kind: 'skipped', record: await this.recordSkipped(record, open) };
    }
    return { kind: 'started', run: { record, done: this.execute(job, record, open) } };
  }

  /** Null when another run of the job holds the lease. */
  async beginManual(job: JobDefinition, actorId: string | null): Promise<StartedRun | null> {
    const key = runningLockKey(job.name);
    const token = await this.deps.lock.acquire(key, this.deps.lease.leaseMs);
    if (!token) return null;
    const record = this.newRecord(job, new Date(), 'manual', actorId, 1, token);
    const open = openRunOf(record);
    try {
      await this.deps.open.add(open, record.startedAt);
      await this.deps.runs.create(record);
    } catch (err) {
      await this.deps.open.remove(open).catch(() => undefined);
      await this.deps.lock.release(key, token);
      throw err;
    }
    return { record, done: this.execute(job, record, open) };
  }

  private async recordSkipped(record: JobRunDoc, open: OpenRun): Promise<JobRunDoc> {
    const fields = {
      outcome: 'skipped' as const,
      endedAt: new Date(),
      error: '上一次运行尚未结束，本次跳过',
    };
    await this.deps.runs.updateOne({ _id: record._id, outcome: 'running' }, { $set: fields });
    await this.deps.open.remove(open);
    return { ...record, ...fields };
  }

  private newRecord(
    job: JobDefinition,
    tick: Date,
    trigger: JobTrigger,
    actorId: string | null,
    attempt: number,
    token: string,
  ): JobRunDoc {
    return {
      _id: new Types.ObjectId(),
      job: job.name,
      trigger,
      tick,
      attempt,
      ...(trigger === 'schedule' ? { claimKey: tickClaimKey(job.name, tick, attempt) } : {}),
      leaseToken: token,
      instanceId: this.deps.instanceId,
      actorId,
      startedAt: new Date(),
      endedAt: null,
      outcome: 'running',
      error: null,
      result: null,
    };
  }

  private async execute(job: JobDefinition, record: JobRunDoc, open: OpenRun): Promise<void> {
    const logger = this.deps.logger.child({
      job: job.name,
      runId: String(record._id),
      trigger: record.trigger,
    });
    const stopWork = new AbortController();
    const lease = new JobLease(
      this.deps.lock,
      runningLockKey(job.name),
      record.leaseToken!,
      this.deps.lease,
      (reason) => {
        stopWork.abort();
        logger.error({ reason }, 'job lease lost; the run is abandoned here and left to another instance');
        this.finish(record._id, 'abandoned', {
          error: `本实例失去了运行租约（${reason}），停止运行，由其他实例重新运行`,
        }).catch((err: unknown) => logger.error({ err }, 'could not record the lost lease'));
      },
    );
    lease.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), job.timeoutMs);
    });
    const ctx = {
      tick: record.tick,
      trigger: record.trigger,
      attempt: record.attempt,
      logger,
      signal: stopWork.signal,
    };
    const work = settle(job, ctx);
    try {
      const first = await Promise.race([work, timedOut]);
      if (first === 'timeout') {
        // The lease is let go (it lapses within leaseMs), as the old lock expired after the timeout:
        // a run that hangs must not block its job for ever.
        lease.stop();
        stopWork.abort();
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
      lease.stop();
      await this.end(record, open, lease).catch((err: unknown) =>
        logger.error({ err }, 'lease release failed'),
      );
    }
  }

  /** After the end is recorded: a crash before this leaves the run listed, and the sweep finds it finished. */
  private async end(record: JobRunDoc, open: OpenRun, lease: JobLease): Promise<void> {
    if (!lease.lost) await this.deps.lock.release(runningLockKey(record.job), record.leaseToken!);
    await this.deps.open.remove(open);
  }

  /** Guarded on `running`, so a late end never overwrites a timed_out or abandoned record. */
  async finish(
    id: Types.ObjectId,
    outcome: JobOutcome,
    fields: { result?: Record<string, unknown> | null; error?: string },
  ): Promise<void> {
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
