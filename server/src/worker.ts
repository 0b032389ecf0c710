import { buildContainer } from './container';
import { loadConfigOrExit } from './core/config';
import { createLogger } from './core/logger';
import { exitOnSignals } from './process-signals';

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
  // The same grace as an API instance: deliveries under way get that long, then their leases lapse.
  const graceMs = config.http.shutdownGraceMs;
  exitOnSignals({ close: () => container.close(graceMs) }, logger, graceMs);
}

main().catch((err: unknown) => {
  process.stderr.write(`outbox worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
