import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';

const ROOT = path.resolve(__dirname, '../..');

/** The test job of `api-process.ts` (armed by GANTRY_TEST_BLOCKING_JOB=<cron>). */
export const BLOCKING_JOB = 'test.blocking';
/** The blocking job pushes one entry per run here: `{ pid, tick }`. */
export const STARTED_KEY = 'test-blocking:started';
/** The blocking job's runs end once this key exists. */
export const RELEASE_KEY = 'test-blocking:release';

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  output: string[];
  /** Resolves with the exit code (null when killed by a signal) and when it happened. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Real API processes (`test/support/api-process.ts`, which runs the server like `main.ts`) that
 * share one database and one Redis prefix, for tests that kill or signal a process.
 */
export class ApiProcesses {
  readonly tag = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  readonly base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  readonly dbUri = this.base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_t_${this.tag}$1`);
  readonly keyPrefix = `gantry_t_${this.tag}:`;
  readonly all: ApiProcess[] = [];
  conn!: Connection;
  /** A client on the processes' Redis prefix. */
  redis!: Redis;

  async open(): Promise<void> {
    this.conn = await mongoose.createConnection(this.dbUri, { retryWrites: false }).asPromise();
    this.redis = new Redis(this.base.redis.url, { keyPrefix: this.keyPrefix });
  }

  async start(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<ApiProcess> {
    const port = await freePort();
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['test/support/api-process.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        MONGODB_URI: this.dbUri,
        REDIS_KEY_PREFIX: this.keyPrefix,
        LOG_LEVEL: 'warn',
        GANTRY_CONFIG_JSON: JSON.stringify(config),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: tsx runs the server in a child process, and a kill of the group
      // reaches both (a kill of tsx alone would leave the server running).
      detached: true,
    });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
      (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const instance = { child, url: `http://127.0.0.1:${port}`, output, exited };
    this.all.push(instance);
    return instance;
  }

  async waitReady(instance: ApiProcess, timeoutMs = 30_000): Promise<void> {
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

  async close(): Promise<void> {
    for (const { child } of this.all) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the whole group has exited already
      }
    }
    await this.conn?.dropDatabase().catch(() => undefined);
    await this.conn?.close();
    if (!this.redis) return;
    const keys = await this.redis.keys(`${this.keyPrefix}*`);
    // KEYS answers full names; DEL would prefix them again, so strip ours first.
    if (keys.length > 0) await this.redis.del(...keys.map((k) => k.slice(this.keyPrefix.length)));
    this.redis.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
