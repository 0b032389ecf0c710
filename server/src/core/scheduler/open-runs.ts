import type { Redis } from '../redis';
import type { JobRunDoc } from './job-run.model';

const KEY = 'job-runs:open';

/** What an instance needs to take over a run whose holder died, even before its record was written. */
export interface OpenRun {
  id: string;
  job: string;
  tick: string;
  attempt: number;
  trigger: JobRunDoc['trigger'];
  token: string;
}

export function openRunOf(
  doc: Pick<JobRunDoc, '_id' | 'job' | 'tick' | 'attempt' | 'trigger' | 'leaseToken'>,
): OpenRun {
  return {
    id: String(doc._id),
    job: doc.job,
    tick: doc.tick.toISOString(),
    attempt: doc.attempt,
    trigger: doc.trigger,
    token: doc.leaseToken ?? '',
  };
}

// One spelling per run, so that re-adding a run (at boot) finds its entry instead of adding a twin.
const member = (run: OpenRun) =>
  JSON.stringify([run.id, run.job, run.tick, run.attempt, run.trigger, run.token]);

function parse(text: string): OpenRun | null {
  try {
    const [id, job, tick, attempt, trigger, token] = JSON.parse(text) as unknown[];
    if (typeof id !== 'string' || typeof job !== 'string' || typeof tick !== 'string') return null;
    if (typeof attempt !== 'number' || typeof token !== 'string') return null;
    if (trigger !== 'schedule' && trigger !== 'manual') return null;
    return { id, job, tick, attempt, trigger, token };
  } catch {
    return null;
  }
}

/**
 * The runs in progress across all instances, as a Redis sorted set scored by start time. A run is
 * added before its record is written and removed after its end is recorded, so whatever a crash
 * interrupts stays listed; each instance looks here for runs whose lease lapsed instead of
 * querying job_runs, which FerretDB v1 would answer by reading the whole collection.
 */
export class OpenRuns {
  constructor(private readonly redis: Redis) {}

  async add(run: OpenRun, startedAt: Date): Promise<void> {
    await this.redis.zadd(KEY, 'NX', startedAt.getTime(), member(run));
  }

  async remove(run: OpenRun): Promise<void> {
    await this.redis.zrem(KEY, member(run));
  }

  /** Runs started before `before` that are still listed (their holder may be alive: check the lease). */
  async startedBefore(before: Date, limit = 100): Promise<OpenRun[]> {
    const texts = await this.redis.zrangebyscore(KEY, '-inf', before.getTime(), 'LIMIT', 0, limit);
    const runs: OpenRun[] = [];
    for (const text of texts) {
      const run = parse(text);
      if (run) runs.push(run);
      else await this.redis.zrem(KEY, text); // not ours to keep: nothing could take it over
    }
    return runs;
  }
}
