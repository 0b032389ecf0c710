import crypto from 'node:crypto';
import os from 'node:os';
import schedule from 'node-schedule';
import type { JobRun, JobSummary, Page } from '@gantry/shared';
import type { Actor } from '../auth/actor';
import type { AuditLog } from '../audit';
import type { AppConfig } from '../config';
import { ConflictError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import { paginateById } from '../pagination';
import { scopeUnder } from '../policy';
import type { Redis } from '../redis';
import { toJobRun, type JobRunModel } from './job-run.model';
import { JobRunner, type JobDefinition } from './job-runner';
import { OpenRuns } from './open-runs';
import { RunRecovery } from './run-recovery';
import { RedisLock } from '../redis-lock';

export type { JobContext, JobDefinition } from './job-runner';

const STOP_GRACE_MS = 10_000;

export interface SchedulerDeps {
  redis: Redis;
  runs: JobRunModel;
  audit: AuditLog;
  logger: Logger;
  config: Readonly<AppConfig['scheduler']>;
}

/**
 * Runs the registered jobs on their cron in every API instance, and makes each tick run once
 * across instances: the first instance to write the run with the tick's unique claim key runs it,
 * the others do nothing. The tick is node-schedule's fire date, computed from the cron, so it is
 * the same in every instance whatever their clocks say. Every beat (`renewMs`) each instance also
 * takes over the runs of instances that died (see RunRecovery).
 */
export class Scheduler {
  readonly instanceId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly timers = new Map<string, schedule.Job>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly runner: JobRunner;
  private readonly recovery: RunRecovery;
  private beat: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    const lock = new RedisLock(deps.redis);
    const open = new OpenRuns(deps.redis);
    const lease = { leaseMs: deps.config.leaseMs, renewMs: deps.config.renewMs };
    const { runs, logger } = deps;
    this.runner = new JobRunner({ runs, lock, open, logger, lease, instanceId: this.instanceId });
    this.recovery = new RunRecovery({
      runs,
      lock,
      open,
      logger,
      lease,
      runner: this.runner,
      job: (name) => {
        const job = this.jobs.get(name);
        return job && this.enabled(job) ? job : null;
      },
      adopt: (run) => void this.track(run.done),
    });
  }

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  start(): void {
    for (const job of this.jobs.values()) {
      if (!this.enabled(job) || this.timers.has(job.name)) continue;
      const rule = { rule: this.cron(job), tz: this.deps.config.timezone };
      // The unnamed overload: node-schedule keeps named jobs in a process-wide map, and tests run several schedulers.
      const timer = schedule.scheduleJob(rule, (fireDate: Date) => {
        this.track(this.runTick(job.name, fireDate)).catch((err: unknown) =>
          this.deps.logger.error({ err, job: job.name }, 'scheduled tick failed'),
        );
      });
      if (!timer) throw new Error(`job ${job.name}: invalid cron "${rule.rule}"`);
      this.timers.set(job.name, timer);
    }
    if (!this.beat) this.startBeat();
    this.deps.logger.info(
      { jobs: [...this.timers.keys()], instanceId: this.instanceId },
      'scheduler started',
    );
  }

  /** Takes over dead instances' runs now, then every `renewMs`. */
  private startBeat(): void {
    const beat = () => {
      if (!this.beat) return; // stopped meanwhile
      this.sweeping ??= this.track(this.recovery.sweep())
        .catch((err: unknown) => this.deps.logger.error({ err }, 'scheduler sweep failed'))
        .finally(() => (this.sweeping = null));
    };
    this.track(this.recovery.relist())
      .catch((err: unknown) => this.deps.logger.error({ err }, 'could not relist the open job runs'))
      .finally(beat);
    this.beat = setInterval(beat, this.deps.config.renewMs);
    this.beat.unref();
  }

  /** One recovery beat, for tests: answers how many dead holders' runs it took over. */
  sweep(now?: Date): Promise<number> {
    return this.track(this.recovery.sweep(now));
  }

  /**
   * Cancels the timers, then waits at most `graceMs` for the runs in flight. A run still going
   * when the process then exits is taken over by another instance once its lease lapses. Safe to call twice.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    clearInterval(this.beat);
    this.beat = undefined;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
  }

  /** Settles when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One scheduled tick: the instance that claims it runs the job (or records it as skipped when
   * the previous run still holds the lease); every other instance returns null. Resolves when the run ends.
   */
  async runTick(name: string, tick: Date): Promise<JobRun | null> {
    const claim = await this.runner.claimTick(this.get(name), tick, 1);
    if (claim.kind === 'taken') return null;
    if (claim.kind === 'skipped') return toJobRun(claim.record);
    await claim.run.done;
    return this.findRun(String(claim.run.record._id));
  }

  /** Manual trigger: starts the run and answers at once with its record; 409 when the job is running. */
  async runNow(name: string, actor: Actor, requestId?: string): Promise<JobRun> {
    const job = this.get(name);
    const started = await this.runner.beginManual(job, actor.id);
    if (!started) throw new ConflictError('CONFLICT', '该任务正在运行，请等本次运行结束后再试');
    this.track(started.done);
    await this.deps.audit.record({
      actor,
      action: 'job.triggered',
      resource: 'job',
      resourceId: name,
      after: { runId: String(started.record._id) },
      requestId,
    });
    return toJobRun(started.record);
  }

  async list(): Promise<JobSummary[]> {
    return Promise.all([...this.jobs.values()].map((job) => this.summary(job)));
  }

  async runs(name: string, page: { cursor?: string; limit: number }): Promise<Page<JobRun>> {
    this.get(name);
    return paginateById(this.deps.runs, { scope: scopeUnder('job', name) }, page, toJobRun);
  }

  private async summary(job: JobDefinition): Promise<JobSummary> {
    const last = await this.deps.runs.findOne({ job: job.name }).sort({ _id: -1 }).lean();
    const next = this.timers.get(job.name)?.nextInvocation();
    return {
      name: job.name,
      description: job.description,
      cron: this.cron(job),
      timezone: this.deps.config.timezone,
      enabled: this.enabled(job),
      nextRunAt: next ? new Date(next.getTime()).toISOString() : null,
      lastRun: last ? toJobRun(last) : null,
    };
  }

  private async findRun(id: string): Promise<JobRun | null> {
    const doc = await this.deps.runs.findById(id).lean();
    return doc ? toJobRun(doc) : null;
  }

  private get(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job) throw new NotFoundError('没有这个定时任务');
    return job;
  }

  private cron(job: JobDefinition): string {
    return this.deps.config.jobs[job.name]?.cron ?? job.cron;
  }

  private enabled(job: JobDefinition): boolean {
    return this.deps.config.jobs[job.name]?.enabled ?? true;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
