import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { deepMerge } from '../../server/src/core/config';
import type { TestSystem } from './system';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote (pino JSON lines, crash traces). */
  output(): string;
  /** Log lines at error level or above, and crash traces. */
  errorLines(): string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = (srv.address() as net.AddressInfo) ?? { port: 0 };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A second API as a real OS process (`node --import tsx server/src/main.ts`), with the same
 * configuration as `sys` (database, Redis prefix, simulator) plus `overrides`: sessions made through
 * `sys` work on it, and a crash shows as the process exiting, which an in-process server cannot show.
 */
export async function spawnApiProcess(
  sys: TestSystem,
  overrides: Record<string, unknown> = {},
  extra: { preload?: string; env?: Record<string, string> } = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const config = deepMerge(deepMerge(sys.config as never, { http: { port } }), overrides);
  const preload = extra.preload ? ['--import', extra.preload] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      GANTRY_CONFIG_JSON: JSON.stringify(config),
      ...extra.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > until)
      throw new Error(`API process did not start:\n${chunks.join('')}`);
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => chunks.join(''),
    errorLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => /"level":"(error|fatal)"/.test(line) || /^(Error|TypeError|node:)/.test(line)),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
