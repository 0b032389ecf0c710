import type { Logger } from '../logger';
import type { RedisLock } from '../redis-lock';
import type { LeaseSettings } from './job-lease';
import type { JobRunModel } from './job-run.model';
import { runningLockKey, type JobDefinition, type JobRunner, type StartedRun } from './job-runner';
import { openRunOf, type OpenRun, type OpenRuns } from './open-runs';

/** A tick whose runs kept dying with their instance is not tried again after this many. */
export const MAX_TICK_ATTEMPTS = 3;

export interface RunRecoveryDeps {
  runs: JobRunModel;
  lock: RedisLock;
  open: OpenRuns;
  runner: JobRunner;
  logger: Logger;
  lease: LeaseSettings;
  /** The job by name when this instance runs it (registered and enabled), else null. */
  job(name: string): JobDefinition | null;
  /** Takes charge of a re-run started here (the scheduler waits for it on stop). */
  adopt(run: StartedRun): void;
}

/**
 * Takes over the runs of dead instances. Every scheduler beat looks at the runs listed open for
 * longer than a lease; one whose lease no longer holds its token has lost its holder. The instance
 * that then takes the job's lease records that run `abandoned` and, for a scheduled tick, runs the
 * tick again as the next attempt — the attempt's unique claim key lets only one instance do so.
 */
export class RunRecovery {
  constructor(private readonly deps: RunRecoveryDeps) {}

  /** At boot: lists again the runs left `running`, in case Redis lost them (one query per boot). */
  async relist(): Promise<number> {
    const left = await this.deps.runs.find({ outcome: 'running' }).lean();
    for (const doc of left) await this.deps.open.add(openRunOf(doc), doc.startedAt);
    return left.length;
  }

  /** One beat: answers how many dead holders' runs it took over. */
  async sweep(now = new Date()): Promise<number> {
    const candidates = await this.deps.open.startedBefore(new Date(now.getTime() - this.deps.lease.leaseMs));
    let recovered = 0;
    for (const run of candidates) {
      try {
        if (await this.recover(run)) recovered += 1;
      } catch (err) {
        this.deps.logger.error({ err, job: run.job, runId: run.id }, 'could not take over an abandoned run');
      }
    }
    return recovered;
  }

  private async recover(run: OpenRun): Promise<boolean> {
    const job = this.deps.job(run.job);
    if (!job) return false; // an instance that runs this job will see to it
    const key = runningLockKey(run.job);
    if ((await this.deps.lock.holder(key)) === run.token) return false; // its holder is alive
    const doc = await this.deps.runs.findById(run.id).lean();
    if (doc && doc.outcome !== 'running' && doc.outcome !== 'abandoned') {
      await this.deps.open.remove(run); // it ended; only the unlisting was lost
      return false;
    }
    const token = await this.deps.lock.acquire(key, this.deps.lease.leaseMs);
    if (!token) return false; // the job runs elsewhere now; look again next beat
    let handedOver = false;
    try {
      handedOver = await this.takeOver(job, run, doc !== null, token);
      return true;
    } finally {
      if (!handedOver) await this.deps.lock.release(key, token);
    }
  }

  /** Under the job's lease: records the run abandoned and re-runs its tick. True when a re-run started. */
  private async takeOver(
    job: JobDefinition,
    run: OpenRun,
    written: boolean,
    token: string,
  ): Promise<boolean> {
    const { logger } = this.deps;
    if (written) {
      await this.deps.runs.updateOne(
        { _id: run.id, outcome: 'running' },
        {
          $set: {
            outcome: 'abandoned',
            endedAt: new Date(),
            error: '运行它的实例已停止（租约过期），本次运行作废',
          },
        },
      );
    }
    await this.deps.open.remove(run);
    logger.warn(
      { job: run.job, runId: run.id, tick: run.tick, attempt: run.attempt },
      'run abandoned by a dead instance',
    );
    if (run.trigger !== 'schedule') return false; // an admin starts a manual run again if still wanted
    // A record never written means the claimed attempt itself never ran.
    const attempt = written ? run.attempt + 1 : run.attempt;
    if (attempt > MAX_TICK_ATTEMPTS) {
      logger.error(
        { job: run.job, tick: run.tick, attempts: run.attempt },
        'tick abandoned too often; not run again',
      );
      return false;
    }
    const claim = await this.deps.runner.claimTick(job, new Date(run.tick), attempt, token);
    if (claim.kind !== 'started') return false;
    this.deps.adopt(claim.run);
    return true;
  }
}
