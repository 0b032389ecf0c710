import http from 'node:http';
import type { Socket } from 'node:net';
import { createApp, type AppState } from './app';
import { buildContainer, type Integrations } from './container';
import type { AppConfig } from './core/config';
import type { Logger } from './core/logger';

export interface RunningServer {
  url: string;
  container: Awaited<ReturnType<typeof buildContainer>>;
  /** Stop accepting, let requests in flight finish (up to the grace period), then close connections. */
  close(): Promise<void>;
}

export async function startServer(
  config: Readonly<AppConfig>,
  logger: Logger,
  overrides: Partial<Integrations> = {},
): Promise<RunningServer> {
  const container = await buildContainer(config, logger, overrides);
  const state: AppState = { shuttingDown: false };
  const app = createApp(container, state);
  const { requestTimeoutMs } = config.http;
  const server = http.createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(60_000, requestTimeoutMs), // Node refuses a headers limit above the request's
      // Node looks for expired requests only every interval (30 s by default): a short limit needs a short look.
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeoutMs / 4))),
      keepAliveTimeout: 5_000,
    },
    app.callback(),
  );

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host}:${port}`;
  if (config.scheduler.enabled) container.scheduler.start();
  if (config.notifications.worker.enabled) container.outboxWorker.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      state.shuttingDown = true;
      void container.chatWaits.close(); // pending long polls answer now instead of holding up the drain
      const schedulerStopped = Promise.all([container.scheduler.stop(), container.outboxWorker.stop()]);
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ open: sockets.size }, 'grace period over, closing remaining connections');
        server.closeAllConnections();
      }, config.http.shutdownGraceMs);
      await drained;
      clearTimeout(timer);
      await schedulerStopped;
      await container.close();
    })());

  return { url, container, close };
}
