import http from 'node:http';
import type { Socket } from 'node:net';
import { createApp, type AppState } from './app';
import { buildContainer, type Integrations } from './container';
import type { AppConfig } from './core/config';
import type { Logger } from './core/logger';

export interface RunningServer {
  url: string;
  container: Awaited<ReturnType<typeof buildContainer>>;
  /**
   * Stop accepting, let requests in flight finish, stop the scheduler and the outbox worker, then
   * close connections — all within `http.shutdownGraceMs`.
   */
  close(): Promise<void>;
}

/**
 * Keep-alive connections end with the response in flight instead of lingering idle until
 * `keepAliveTimeout` (5 s), which otherwise held the drain open past the grace period.
 */
function endKeepAliveWhenClosing(server: http.Server): { closing(): void } {
  const open = new Set<http.ServerResponse>();
  let closing = false;
  const endAfter = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (closing) return endAfter(res);
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return {
    closing() {
      closing = true;
      open.forEach(endAfter);
      server.closeIdleConnections();
    },
  };
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
  const keepAlive = endKeepAliveWhenClosing(server);

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
      const deadline = Date.now() + config.http.shutdownGraceMs;
      const left = () => Math.max(0, deadline - Date.now());
      state.shuttingDown = true;
      void container.chatWaits.close(); // pending long polls answer now instead of holding up the drain
      // Jobs and deliveries get the same grace as requests, side by side; what they leave unfinished
      // another instance takes over once its lease lapses.
      const backgroundStopped = Promise.all([
        container.scheduler.stop(left()),
        container.outboxWorker.stop(left()),
      ]);
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      keepAlive.closing();
      const timer = setTimeout(() => {
        logger.warn({ open: sockets.size }, 'grace period over, closing remaining connections');
        server.closeAllConnections();
      }, left());
      await drained;
      clearTimeout(timer);
      await backgroundStopped;
      await container.close(left());
    })());

  return { url, container, close };
}
