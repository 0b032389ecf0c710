import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Starts an outbox worker process (server/src/worker.ts) in test mode with extra environment and a
 * configuration override. `node --import tsx` keeps it to one process, so a SIGKILL really kills
 * the worker (the tsx CLI would leave its child running).
 */
export function spawnOutboxWorker(
  env: Record<string, string>,
  config: Record<string, unknown>,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/src/worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...env,
      GANTRY_CONFIG_JSON: JSON.stringify(config),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
