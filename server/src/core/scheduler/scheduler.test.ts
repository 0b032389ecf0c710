import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Actor } from '../auth/actor';
import { AuditLog } from '../audit';
import { loadConfig } from '../config';
import { connectDatabase, ensureIndexes } from '../db';
import { ConflictError } from '../errors';
import { createLogger } from '../logger';
import { createRedis, type Redis } from '../redis';
import { jobRunModel, type JobRunModel } from './job-run.model';
import type { JobDefinition } from './job-runner';
import { RedisLock } from '../redis-lock';
import { OpenRuns, openRunOf } from './open-runs';
import { Scheduler } from './scheduler';

const tag = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const base = loadConfig({ env: { NODE_ENV: 'test' } });
const prefix = `gantry_t_${tag}:`;
let conn: Connection;
let redis: Redis;
let runs: JobRunModel;
let audit: AuditLog;
const schedulers: Scheduler[] = [];
const admin = { id: '0123456789abcdef01234567', kind: 'staff', role: 'admin' } as Actor;

const LEASE_MS = 400;
const RENEW_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newScheduler(...jobs: JobDefinition[]): Scheduler {
  const config = { enabled: true, timezone: 'Asia/Shanghai', jobs: {}, leaseMs: LEASE_MS, renewMs: RENEW_MS };
  const scheduler = new Scheduler({ redis, runs, audit, logger: createLogger('silent'), config });
  jobs.forEach((job) => scheduler.register(job));
  schedulers.push(scheduler);
  return scheduler;
}

function job(name: string, run: JobDefinition['run'], timeoutMs = 5000): JobDefinition {
  return { name, description: `测试任务 ${name}`, cron: '0 0 4 * * *', timeoutMs, run };
}

beforeAll(async () => {
  conn = await connectDatabase(base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_t_${tag}$1`));
  redis = createRedis(base.redis.url, prefix);
  runs = jobRunModel(conn);
  audit = new AuditLog(conn);
  await ensureIndexes(conn);
});

afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop(1000)));
  await conn?.dropDatabase().catch(() => undefined);
  await conn?.close();
  const keys = await redis.keys(`${prefix}*`);
  // KEYS answers full names; DEL would prefix them again, so strip ours first.
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  redis.disconnect();
});

describe('RedisLock', () => {
  it('releases only with its own token', async () => {
    const lock = new RedisLock(redis);
    const token = await lock.acquire('lock-a', 10_000);
    expect(token).toEqual(expect.any(String));
    expect(await lock.acquire('lock-a', 10_000)).toBeNull();
    expect(await lock.release('lock-a', 'not-the-token')).toBe(false);
    expect(await redis.get('lock-a')).toBe(token);
    expect(await lock.release('lock-a', token!)).toBe(true);
    expect(await redis.exists('lock-a')).toBe(0);
  });

  it('lets another holder take an expired lock, and the late release of the first leaves it alone', async () => {
    const lock = new RedisLock(redis);
    const first = await lock.acquire('lock-b', 100);
    await sleep(250);
    const second = await lock.acquire('lock-b', 10_000);
    expect(second).not.toBeNull();
    expect(await lock.release('lock-b', first!)).toBe(false);
    expect(await redis.get('lock-b')).toBe(second);
  });
});

describe('Scheduler', () => {
  it('runs a tick once across two schedulers and records it', async () => {
    let calls = 0;
    const count = job('test.once', async () => ({ calls: ++calls }));
    const [a, b] = [newScheduler(count), newScheduler(count)];
    const tick = new Date('2026-01-01T00:00:05.000Z');
    const results = await Promise.all([
      a.runTick('test.once', tick),
      b.runTick('test.once', tick),
      a.runTick('test.once', tick),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(calls).toBe(1);
    const stored = await runs.find({ job: 'test.once' }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      trigger: 'schedule',
      outcome: 'succeeded',
      result: { calls: 1 },
      error: null,
    });
    expect(stored[0]!.tick.toISOString()).toBe(tick.toISOString());
    expect(stored[0]!.endedAt!.getTime()).toBeGreaterThanOrEqual(stored[0]!.startedAt.getTime());
    expect([a.instanceId, b.instanceId]).toContain(stored[0]!.instanceId);
  });

  it('records a failing job as failed with its error, and releases the lock', async () => {
    const s = newScheduler(job('test.fails', () => Promise.reject(new Error('上游接口不可用'))));
    const run = await s.runTick('test.fails', new Date('2026-01-01T00:01:00.000Z'));
    expect(run).toMatchObject({ outcome: 'failed', error: '上游接口不可用', result: null });
    expect(run!.endedAt).not.toBeNull();
    expect(await redis.exists('job-lock:test.fails')).toBe(0);
  });

  it('answers a manual run with 409 while the job runs, and skips an overlapping tick', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const s = newScheduler(job('test.slow', async () => (await gate, { done: true })));
    const first = s.runTick('test.slow', new Date('2026-01-01T00:02:00.000Z'));
    await waitFor(async () => (await runs.countDocuments({ job: 'test.slow', outcome: 'running' })) === 1);

    const conflict = await s.runNow('test.slow', admin).catch((err: unknown) => err);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).status).toBe(409);
    expect((conflict as ConflictError).message).toMatch(/正在运行/);
    const skipped = await s.runTick('test.slow', new Date('2026-01-01T00:03:00.000Z'));
    expect(skipped).toMatchObject({ outcome: 'skipped', error: expect.stringMatching(/尚未结束/) });

    release();
    expect(await first).toMatchObject({ outcome: 'succeeded', result: { done: true } });
    const manual = await s.runNow('test.slow', admin);
    expect(manual).toMatchObject({ trigger: 'manual', outcome: 'running', actorId: admin.id });
    await s.idle();
    const outcomes = (await runs.find({ job: 'test.slow' }).sort({ _id: 1 }).lean()).map((r) => r.outcome);
    expect(outcomes).toEqual(['succeeded', 'skipped', 'succeeded']);
    const trail = await audit.forResource('job', 'test.slow');
    expect(trail.map((e) => e.action)).toEqual(['job.triggered']);
  });

  it('records a run that outlives its timeout as timed_out and keeps it so when it ends', async () => {
    let finished = false;
    const s = newScheduler(
      job('test.timeout', async () => (await sleep(600), (finished = true), { late: true }), 200),
    );
    const run = await s.runTick('test.timeout', new Date('2026-01-01T00:04:00.000Z'));
    expect(finished).toBe(true);
    expect(run).toMatchObject({
      outcome: 'timed_out',
      error: expect.stringMatching(/200 毫秒/),
      result: null,
    });
    const ran = new Date(run!.endedAt!).getTime() - new Date(run!.startedAt).getTime();
    expect(ran).toBeGreaterThanOrEqual(190);
    expect(ran).toBeLessThan(600);
  });

  it('refuses a job registered twice and answers 404 for an unknown one', async () => {
    const s = newScheduler(job('test.dup', async () => undefined));
    expect(() => s.register(job('test.dup', async () => undefined))).toThrow(/twice/);
    await expect(s.runNow('no.such-job', admin)).rejects.toMatchObject({ status: 404 });
  });
});

describe('leases and runs of dead instances', () => {
  /** What an instance that died in the middle of a run leaves behind: its record, its listing, no live lease. */
  async function deadInstanceRun(name: string, tick: Date, attempt = 1) {
    const startedAt = new Date(Date.now() - 5 * LEASE_MS);
    const doc = await runs.create({
      job: name,
      trigger: 'schedule',
      tick,
      attempt,
      claimKey: `${name}@${tick.toISOString()}#${attempt}`,
      leaseToken: 'token-of-a-dead-instance',
      instanceId: 'dead-host:1:000000',
      actorId: null,
      startedAt,
      endedAt: null,
      outcome: 'running',
      error: null,
      result: null,
    });
    await new OpenRuns(redis).add(openRunOf(doc.toObject()), startedAt);
    return doc;
  }

  it('holds a lease of leaseMs, renewed while the job runs longer than that', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = newScheduler(job('test.long', async () => (await gate, { done: true }), 60_000));
    const b = newScheduler(job('test.long', async () => ({ other: true }), 60_000));
    const run = a.runTick('test.long', new Date('2026-01-02T00:00:00.000Z'));
    await waitFor(async () => (await redis.exists('job-lock:test.long')) === 1);
    // A dead holder's lease ends within leaseMs, not at the job's timeout.
    expect(await redis.pttl('job-lock:test.long')).toBeLessThanOrEqual(LEASE_MS);
    await sleep(3 * LEASE_MS);
    expect(await b.sweep()).toBe(0);
    await expect(b.runNow('test.long', admin)).rejects.toMatchObject({ status: 409 });
    release();
    expect(await run).toMatchObject({ outcome: 'succeeded', attempt: 1, result: { done: true } });
  });

  it('records the run of a dead instance abandoned and runs its tick again, once', async () => {
    const tick = new Date('2026-01-02T00:01:00.000Z');
    let calls = 0;
    const def = job('test.crashed', async (ctx) => ({ calls: ++calls, attempt: ctx.attempt }));
    const [a, b] = [newScheduler(def), newScheduler(def)];
    const dead = await deadInstanceRun('test.crashed', tick);

    const taken = await Promise.all([a.sweep(), b.sweep(), a.sweep()]);
    expect(taken.reduce((x, y) => x + y, 0)).toBe(1);
    await Promise.all([a.idle(), b.idle()]);
    expect(await a.sweep()).toBe(0);
    expect(calls).toBe(1);
    const stored = await runs.find({ job: 'test.crashed' }).sort({ attempt: 1 }).lean();
    expect(stored.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, 'abandoned'],
      [2, 'succeeded'],
    ]);
    expect(String(stored[0]!._id)).toBe(String(dead._id));
    expect(stored[0]!.error).toMatch(/实例已停止/);
    expect(stored[1]!.tick.toISOString()).toBe(tick.toISOString());
    expect(stored[1]!.result).toEqual({ calls: 1, attempt: 2 });
    expect(await redis.exists('job-lock:test.crashed')).toBe(0);
  });

  it('runs a tick whose claimer died before writing its record', async () => {
    const tick = new Date('2026-01-02T00:02:00.000Z');
    const s = newScheduler(job('test.unwritten', async () => ({ ran: true })));
    const startedAt = new Date(Date.now() - 5 * LEASE_MS);
    await new OpenRuns(redis).add(
      {
        id: '0123456789abcdef0123aaaa',
        job: 'test.unwritten',
        tick: tick.toISOString(),
        attempt: 1,
        trigger: 'schedule',
        token: 't',
      },
      startedAt,
    );
    expect(await s.sweep()).toBe(1);
    await s.idle();
    const stored = await runs.find({ job: 'test.unwritten' }).lean();
    expect(stored.map((r) => [r.attempt, r.outcome, r.tick.toISOString()])).toEqual([
      [1, 'succeeded', tick.toISOString()],
    ]);
  });

  it('leaves a live holder alone, and a tick abandoned three times is not run a fourth', async () => {
    const tick = new Date('2026-01-02T00:03:00.000Z');
    let calls = 0;
    const s = newScheduler(job('test.cursed', async () => ({ calls: ++calls })));
    await deadInstanceRun('test.cursed', tick, 3);
    expect(await s.sweep()).toBe(1);
    await s.idle();
    expect(calls).toBe(0);
    expect((await runs.find({ job: 'test.cursed' }).lean()).map((r) => r.outcome)).toEqual(['abandoned']);
  });

  it('stops a run whose lease was lost, records it abandoned, and another instance runs the tick again', async () => {
    const tick = new Date('2026-01-02T00:04:00.000Z');
    let aborted = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = newScheduler(
      job('test.lost', async (ctx) => {
        if (ctx.attempt > 1) return { attempt: ctx.attempt };
        ctx.signal.addEventListener('abort', () => (aborted = true));
        await gate;
        return { attempt: ctx.attempt };
      }),
    );
    const b = newScheduler(job('test.lost', async (ctx) => ({ attempt: ctx.attempt })));
    const first = a.runTick('test.lost', tick);
    await waitFor(async () => (await redis.exists('job-lock:test.lost')) === 1);
    // As if this process had stalled past its lease and the lease had lapsed.
    await redis.del('job-lock:test.lost');
    await waitFor(async () => aborted);
    await waitFor(async () => (await runs.countDocuments({ job: 'test.lost', outcome: 'abandoned' })) === 1);
    const lost = await runs.findOne({ job: 'test.lost' }).lean();
    expect(lost!.error).toMatch(/失去了运行租约/);

    expect(await b.sweep(new Date(Date.now() + 2 * LEASE_MS))).toBe(1);
    await b.idle();
    release();
    expect(await first).toMatchObject({ attempt: 1, outcome: 'abandoned' });
    const stored = await runs.find({ job: 'test.lost' }).sort({ attempt: 1 }).lean();
    expect(stored.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, 'abandoned'],
      [2, 'succeeded'],
    ]);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}
