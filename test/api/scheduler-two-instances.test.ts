import { ApiProcesses } from '../support/api-processes';

/**
 * Two real API processes on one database and one Redis prefix, with invites.purge-expired firing
 * every second: each tick must run exactly once, whichever instance wins it.
 */
const JOB = 'invites.purge-expired';
const RUN_FOR_MS = 5000;
const procs = new ApiProcesses();

beforeAll(() => procs.open());
afterAll(() => procs.close());

it('runs each tick of a job once across two API processes', async () => {
  const config = { scheduler: { enabled: true, jobs: { [JOB]: { cron: '* * * * * *' } } } };
  const instances = [await procs.start(config), await procs.start(config)];
  await Promise.all(instances.map((i) => procs.waitReady(i)));
  await new Promise((resolve) => setTimeout(resolve, RUN_FOR_MS));
  for (const { child } of instances) child.kill('SIGTERM');
  const exits = await Promise.all(instances.map((i) => i.exited));
  expect(exits.map((e) => e.code)).toEqual([0, 0]);

  const runs = await procs.conn.collection('job_runs').find({ job: JOB }).toArray();
  const perTick = new Map<string, number>();
  for (const run of runs) {
    const tick = (run.tick as Date).toISOString();
    perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    expect(run.trigger).toBe('schedule');
    expect(run.outcome).toBe('succeeded');
    expect(run.attempt).toBe(1);
    expect(run.result).toEqual({ deleted: 0 });
  }
  expect([...perTick.values()].every((n) => n === 1)).toBe(true);
  expect(perTick.size).toBeGreaterThanOrEqual(3);
  // Ticks fall on whole seconds (the cron's fire times, not each instance's clock).
  expect([...perTick.keys()].every((t) => t.endsWith('.000Z'))).toBe(true);
  // Either instance may win any tick; two distinct instances at most.
  expect(new Set(runs.map((r) => r.instanceId)).size).toBeLessThanOrEqual(2);
}, 90_000);
