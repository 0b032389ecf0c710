import type { Logger } from './core/logger';

/** Past the grace, the process exits even if closing hangs (a stuck socket, an unanswered quit). */
const HARD_STOP_MARGIN_MS = 500;

/**
 * On SIGTERM or SIGINT: closes `target` and exits 0, or 1 when closing failed or did not end
 * within `graceMs` (plus a small margin), so an orchestrator's kill deadline is never what stops us.
 */
export function exitOnSignals(target: { close(): Promise<void> }, logger: Logger, graceMs: number): void {
  const shutdown = (signal: string) => {
    logger.info({ signal, graceMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown overran its grace period; exiting now');
      process.exit(1);
    }, graceMs + HARD_STOP_MARGIN_MS).unref();
    target.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
