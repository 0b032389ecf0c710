import {
  ApiProcesses,
  BLOCKING_JOB,
  RELEASE_KEY,
  STARTED_KEY,
  type ApiProcess,
} from '../support/api-processes';

/**
 * Two real API processes on one database and Redis prefix; a test job fires once, and whichever
 * instance wins the tick holds it until the test lets go. That instance is killed with SIGKILL:
 * within about a lease the other one must record the run `abandoned` and run the tick again —
 * once — instead of the job staying blocked until its 10-minute timeout.
 */
const LEASE_MS = 2000;
const RENEW_MS = 500;
const BOOT_MS = 45_000;
const procs = new ApiProcesses();

interface Started {
  pid: number;
  tick: string;
}

beforeAll(() => procs.open());
afterAll(() => procs.close());

async function until<T>(probe: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function started(): Promise<Started[]> {
  return (await procs.redis.lrange(STARTED_KEY, 0, -1)).map((s) => JSON.parse(s) as Started);
}

const runsOf = (tick: string) =>
  procs.conn
    .collection('job_runs')
    .find({ job: BLOCKING_JOB, tick: new Date(tick) })
    .sort({ attempt: 1 })
    .toArray();

/** A daily cron (UTC) that fires once, `BOOT_MS` from now: after both instances are up. */
function cronFiringOnceSoon(): { cron: string; at: number } {
  const at = new Date(Math.ceil((Date.now() + BOOT_MS) / 1000) * 1000);
  return { cron: `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`, at: at.getTime() };
}

it('re-runs a tick once on the other instance after the one running it is killed', async () => {
  const fire = cronFiringOnceSoon();
  const config = { scheduler: { enabled: true, timezone: 'UTC', leaseMs: LEASE_MS, renewMs: RENEW_MS } };
  const env = { GANTRY_TEST_BLOCKING_JOB: fire.cron };
  const instances: ApiProcess[] = [await procs.start(config, env), await procs.start(config, env)];
  await Promise.all(instances.map((i) => procs.waitReady(i)));
  expect(Date.now()).toBeLessThan(fire.at); // both booted before the tick, or the test proves nothing

  const [first] = await until(
    async () => ((await started()).length > 0 ? started() : null),
    BOOT_MS + 10_000,
    'first run',
  );
  const [run1] = await runsOf(first!.tick);
  expect(run1).toMatchObject({ attempt: 1, outcome: 'running', trigger: 'schedule' });
  expect(String(run1!.instanceId)).toContain(`:${first!.pid}:`);

  process.kill(first!.pid, 'SIGKILL');
  const killedAt = Date.now();

  const rerun = await until(
    async () => ((await started()).length > 1 ? (await started())[1]! : null),
    LEASE_MS + 4 * RENEW_MS + 5000,
    'the re-run on the other instance',
  );
  const tookMs = Date.now() - killedAt;
  expect(rerun.tick).toBe(first!.tick);
  expect(rerun.pid).not.toBe(first!.pid);
  console.log(`the tick ran again ${tookMs} ms after the kill (lease ${LEASE_MS} ms)`);

  const [abandoned, second] = await runsOf(first!.tick);
  expect(abandoned).toMatchObject({ attempt: 1, outcome: 'abandoned', endedAt: expect.any(Date) });
  expect(abandoned!.error).toMatch(/实例已停止/);
  expect(second).toMatchObject({ attempt: 2, outcome: 'running' });
  expect(String(second!.instanceId)).toContain(`:${rerun.pid}:`);

  await procs.redis.set(RELEASE_KEY, '1');
  await until(
    async () => ((await runsOf(first!.tick))[1]?.outcome === 'succeeded' ? true : null),
    5000,
    'the re-run ends',
  );
  // A few more beats of the survivor: nothing runs the tick a third time.
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 2 * RENEW_MS));
  const finalRuns = await runsOf(first!.tick);
  expect(finalRuns.map((r) => [r.attempt, r.outcome])).toEqual([
    [1, 'abandoned'],
    [2, 'succeeded'],
  ]);
  expect(await started()).toHaveLength(2);
  expect(await procs.conn.collection('job_runs').countDocuments({ job: BLOCKING_JOB })).toBe(2);
}, 90_000);
