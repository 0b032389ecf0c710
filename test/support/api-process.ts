/**
 * Child-process entry for tests that need a whole API process to kill or to signal: the real
 * server and the real signal handling of `server/src/main.ts`, plus (when asked by
 * GANTRY_TEST_BLOCKING_JOB) one test job that holds its run until the test lets it go.
 */
import { loadConfigOrExit } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import type { Redis } from '../../server/src/core/redis';
import { exitOnSignals } from '../../server/src/process-signals';
import { startServer } from '../../server/src/server';
import { BLOCKING_JOB, RELEASE_KEY, STARTED_KEY } from './api-processes';

async function waitForRelease(redis: Redis, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && (await redis.exists(RELEASE_KEY)) === 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('The test API');
  const logger = createLogger(config.log.level);
  const server = await startServer(config, logger);
  if (process.env.GANTRY_TEST_BLOCKING_JOB) {
    const { redis } = server.container;
    server.container.scheduler.register({
      name: BLOCKING_JOB,
      description: '测试用：等待测试放行后结束',
      cron: process.env.GANTRY_TEST_BLOCKING_JOB,
      timeoutMs: 10 * 60_000,
      run: async ({ tick, signal }) => {
        await redis.rpush(STARTED_KEY, JSON.stringify({ pid: process.pid, tick: tick.toISOString() }));
        await waitForRelease(redis, signal);
        return { pid: process.pid };
      },
    });
    // start() again only arms the job registered after the first start.
    if (config.scheduler.enabled) server.container.scheduler.start();
  }
  exitOnSignals(server, logger, config.http.shutdownGraceMs);
  logger.info({ url: server.url }, 'test API listening');
}

main().catch((err: unknown) => {
  process.stderr.write(`test API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
