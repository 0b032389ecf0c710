import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/** The configuration scripts/services.sh starts the embedded Redis with (persistence included). */
export const REDIS_CONF = path.resolve(__dirname, '../../scripts/redis.conf');
const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A redis-server of the test's own, on its own port and data folder, started the way
 * scripts/services.sh starts the shared one (same config file; here in the foreground so the test
 * owns the process). Stopping and starting it again never touches the shared Redis.
 */
export class PrivateRedis {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-redis-'));
  private child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    const child = spawn(REDIS_SERVER, [REDIS_CONF, '--port', String(this.port), '--dir', this.dir], {
      stdio: 'ignore',
    });
    child.on('error', () => undefined);
    this.child = child;
    await this.waitUntilAnswering();
    return this;
  }

  /** SIGTERM, as systemd or `redis-cli shutdown` would stop it: Redis flushes its AOF and exits. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        // Loading the AOF answers LOADING to commands; wait until it is done.
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`private redis-server on ${this.port} did not start`);
      } finally {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
