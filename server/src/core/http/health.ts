import Router from '@koa/router';
import type { Connection } from 'mongoose';
import { pingDatabase } from '../db';
import { pingRedis, type Redis } from '../redis';

/**
 * /healthz: the process is up. /readyz: it can serve, i.e. MongoDB and Redis answer, each within
 * `bounds.timeoutMs`: a load balancer's probe must get its answer before its own timeout, or it cannot
 * tell a dead instance from a slow one.
 */
export function healthRouter(
  conn: Connection,
  redis: Redis,
  isShuttingDown: () => boolean,
  bounds: { timeoutMs: number; retryAfterSeconds: number },
): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [database, cache] = await Promise.all([
      within(pingDatabase(conn), bounds.timeoutMs),
      within(pingRedis(redis), bounds.timeoutMs),
    ]);
    const ready = database && cache && !isShuttingDown();
    ctx.status = ready ? 200 : 503;
    if (!ready) ctx.set('Retry-After', String(bounds.retryAfterSeconds));
    ctx.body = {
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'up' : 'down', redis: cache ? 'up' : 'down' },
      ...(isShuttingDown() ? { shuttingDown: true } : {}),
    };
  });
  return router;
}

/** The ping's answer, or false once `ms` have passed (the ping itself is left to its own timeout). */
function within(ping: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([ping, late]).finally(() => clearTimeout(timer));
}
