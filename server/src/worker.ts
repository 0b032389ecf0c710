import { buildContainer } from './container';
import { loadConfigOrExit } from './core/config';
import { createLogger } from './core/logger';

/**
 * A process that only delivers the outbox (no HTTP, no scheduler): run more of these when
 * notifications pile up. API instances deliver too when `notifications.worker.enabled` is on.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('The outbox worker');
  const logger = createLogger(config.log.level);
  const container = await buildContainer(config, logger);
  container.outboxWorker.start();
  logger.info({ worker: container.outboxWorker.id }, 'outbox worker running');

  const shutdown = async () => {
    await container.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`outbox worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
