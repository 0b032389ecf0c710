import Koa from 'koa';
import Router from '@koa/router';
import { useChineseValidationMessages } from '@gantry/shared';
import type { Container } from './container';
import './core/http/koa-context';
import { jsonBody } from './core/http/body';
import { docsRouter } from './core/http/docs';
import { errorMiddleware } from './core/http/error-middleware';
import { h5Static } from './core/http/h5-static';
import { healthRouter } from './core/http/health';
import { requestContext } from './core/http/request-context';
import { securityHeaders } from './core/http/security-headers';
import { mountRoutes } from './core/http/route';
import { rawUpload } from './core/http/upload';
import { exceptMultipart } from './core/files/multipart';
import { FILE_UPLOAD_PATHS } from './modules/files/file.routes';
import { CUSTOMER_IMPORT_MAX_BYTES } from './modules/crm/customer-import';
import { buildOpenApiDocument, createOpenApiRegistry } from './core/openapi';

useChineseValidationMessages();

/**
 * Koa also reports socket errors during any answer: a client that left, sent bytes HTTP cannot
 * parse (Node's parser errors are `HPE_*`) or was too slow. Those are the client's, not failures.
 */
const CLIENT_SIDE = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_HTTP_REQUEST_TIMEOUT',
]);
const clientSide = (code: string) => CLIENT_SIDE.has(code) || code.startsWith('HPE_');

export interface AppState {
  shuttingDown: boolean;
}

/** The Koa app: request context → security headers → errors → health → per-IP limit → body → /api/v1 routes → docs → H5. */
export function createApp(container: Container, state: AppState = { shuttingDown: false }): Koa {
  const { config, logger } = container;
  const app = new Koa({ proxy: config.http.trustProxy });
  app.silent = true; // errors are logged by our middleware, once
  // What Koa reports past our middleware: a streamed body (an export) failing after the answer
  // began. The client is cut off; the log is the only place the failure shows.
  // Koa reports a failing body stream twice (its own error listener and its pipeline): log it once.
  const reported = new WeakSet<object>();
  app.on('error', (err: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    if (typeof err === 'object' && err !== null) {
      if (reported.has(err)) return;
      reported.add(err);
    }
    const log = ctx?.log ?? logger;
    if (clientSide(err?.code ?? '')) log.info({ code: err.code }, 'client broke off the exchange');
    else log.error({ err }, 'response stream failed');
  });

  const registry = createOpenApiRegistry();
  const api = new Router({ prefix: '/api/v1' });
  mountRoutes(api, container.routes, {
    sessions: container.sessions,
    limiters: container.limiters,
    registry,
  });
  const document = () =>
    buildOpenApiDocument(registry, {
      title: config.appName,
      version: '0.1.0',
      serverUrl: config.http.publicUrl,
    });

  const health = healthRouter(container.conn, container.redis, () => state.shuttingDown, {
    timeoutMs: config.http.readyTimeoutMs,
    retryAfterSeconds: config.http.unavailableRetryAfterSeconds,
  });
  const docs = docsRouter(document, config.appName);

  app.use(requestContext(logger));
  app.use(
    securityHeaders({
      h5StaticDir: config.h5.staticDir,
      wechatBridgeUrl: config.h5.wechatBridgeUrl,
      publicUrl: config.http.publicUrl,
    }),
  );
  app.use(errorMiddleware({ unavailableRetryAfterSeconds: config.http.unavailableRetryAfterSeconds }));
  app.use(health.routes());
  app.use(health.allowedMethods());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/')) await container.limiters.perIp.hit(ctx.ip);
    await next();
  });
  app.use(rawUpload(['/api/v1/customers/import'], CUSTOMER_IMPORT_MAX_BYTES, config.http.bodyIdleTimeoutMs));
  for (const webhook of container.webhooks) app.use(webhook); // signatures over the raw body
  app.use(exceptMultipart(FILE_UPLOAD_PATHS, jsonBody(config.http.jsonLimit))); // file uploads stream to their route
  app.use(api.routes());
  app.use(api.allowedMethods());
  app.use(docs.routes());
  app.use(docs.allowedMethods());
  app.use(h5Static(config.h5.staticDir));
  return app;
}
