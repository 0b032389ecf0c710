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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newScheduler(...jobs: JobDefinition[]): Scheduler {
  const config = { enabled: true, timezone: 'Asia/Shanghai', jobs: {} };
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

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}
