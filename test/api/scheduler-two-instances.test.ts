import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';

/**
 * Two real API processes on one database and one Redis prefix, with invites.purge-expired firing
 * every second: each tick must run exactly once, whichever instance wins it.
 */
const ROOT = path.resolve(__dirname, '../..');
const JOB = 'invites.purge-expired';
const RUN_FOR_MS = 5000;
const tag = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const base = loadConfig({ env: { NODE_ENV: 'test' } });
const dbUri = base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_t_${tag}$1`);
const keyPrefix = `gantry_t_${tag}:`;

interface Instance {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
}
const instances: Instance[] = [];
let conn: Connection;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startInstance(): Promise<Instance> {
  const port = await freePort();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      MONGODB_URI: dbUri,
      REDIS_KEY_PREFIX: keyPrefix,
      LOG_LEVEL: 'warn',
      GANTRY_CONFIG_JSON: JSON.stringify({
        scheduler: { enabled: true, jobs: { [JOB]: { cron: '* * * * * *' } } },
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const instance = { child, url: `http://127.0.0.1:${port}`, output, exited };
  instances.push(instance);
  return instance;
}

async function waitReady(instance: Instance, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (instance.child.exitCode !== null) break;
    const ok = await fetch(`${instance.url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`instance at ${instance.url} did not start:\n${instance.output.join('')}`);
}

beforeAll(async () => {
  conn = await mongoose.createConnection(dbUri, { retryWrites: false }).asPromise();
});

afterAll(async () => {
  for (const { child } of instances)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await conn?.dropDatabase().catch(() => undefined);
  await conn?.close();
  const redis = new Redis(base.redis.url);
  try {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

it('runs each tick of a job once across two API processes', async () => {
  const [a, b] = [await startInstance(), await startInstance()];
  await Promise.all([waitReady(a), waitReady(b)]);
  await new Promise((resolve) => setTimeout(resolve, RUN_FOR_MS));
  for (const { child } of instances) child.kill('SIGTERM');
  const codes = await Promise.all(instances.map((i) => i.exited));
  expect(codes).toEqual([0, 0]);

  const runs = await conn.collection('job_runs').find({ job: JOB }).toArray();
  const perTick = new Map<string, number>();
  for (const run of runs) {
    const tick = (run.tick as Date).toISOString();
    perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    expect(run.trigger).toBe('schedule');
    expect(run.outcome).toBe('succeeded');
    expect(run.result).toEqual({ deleted: 0 });
  }
  expect([...perTick.values()].every((n) => n === 1)).toBe(true);
  expect(perTick.size).toBeGreaterThanOrEqual(3);
  // Ticks fall on whole seconds (the cron's fire times, not each instance's clock).
  expect([...perTick.keys()].every((t) => t.endsWith('.000Z'))).toBe(true);
  // Either instance may win any tick; two distinct instances at most.
  expect(new Set(runs.map((r) => r.instanceId)).size).toBeLessThanOrEqual(2);
}, 60_000);
