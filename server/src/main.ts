import { loadConfigOrExit } from './core/config';
import { createLogger } from './core/logger';
import { exitOnSignals } from './process-signals';
import { startServer } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit('The API');
  const logger = createLogger(config.log.level);
  // Every stream and emitter has its own error path; reaching these means one was missed. The
  // process state is then unknown, so it does not serve on: the error goes to the JSON log (where
  // Node's default would print to stderr only) and the process exits 1 for the supervisor to restart.
  const fatal = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, `${kind}: the API stops`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
  const server = await startServer(config, logger);
  logger.info({ url: server.url, env: config.env }, 'Gantry API listening');

  exitOnSignals(server, logger, config.http.shutdownGraceMs);
}

main().catch((err: unknown) => {
  process.stderr.write(`Gantry API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
