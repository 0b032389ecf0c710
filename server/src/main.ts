import { loadConfigOrExit } from './core/config';
import { createLogger } from './core/logger';
import { exitOnSignals } from './process-signals';
import { startServer } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit('The API');
  const logger = createLogger(config.log.level);
  const server = await startServer(config, logger);
  logger.info({ url: server.url, env: config.env }, 'Gantry API listening');

  exitOnSignals(server, logger, config.http.shutdownGraceMs);
}

main().catch((err: unknown) => {
  process.stderr.write(`Gantry API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
