import path from 'node:path';
import { spawnApiProcess } from '../support/spawned-api';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The last resort in server/src/main.ts: an error that escaped every error path is written to the
 * JSON log as fatal and the process exits 1 (to be restarted), instead of serving on in an unknown state.
 */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

const PRELOAD = path.join(__dirname, '../support/planted-fault.ts');

describe.each([
  ['exception', 'uncaught exception: the API stops', 'planted exception'],
  ['rejection', 'unhandled promise rejection: the API stops', 'planted rejection'],
])('an escaped %s', (kind, message, cause) => {
  it('is logged as fatal with its error, and the process exits 1', async () => {
    const api = await spawnApiProcess(sys, {}, { preload: PRELOAD, env: { PLANTED_FAULT: kind } });
    const exited = new Promise<number | null>((r) => api.child.once('exit', (code) => r(code)));
    api.child.kill('SIGUSR2');
    expect(await exited).toBe(1);
    const fatal = api
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain(message);
    expect(fatal[0]).toContain(cause);
  }, 40_000);
});
