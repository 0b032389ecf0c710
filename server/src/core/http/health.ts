import Router from '@koa/router';
import type { Connection } from 'mongoose';
import { pingDatabase } from '../db';
import { pingRedis, type Redis } from '../redis';

/** /healthz: the process is up. /readyz: it can serve, i.e. MongoDB and Redis answer. */
export function healthRouter(conn: Connection, redis: Redis, isShuttingDown: () => boolean): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [database, cache] = await Promise.all([pingDatabase(conn), pingRedis(redis)]);
    const ready = database && cache && !isShuttingDown();
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'up' : 'down', redis: cache ? 'up' : 'down' },
      ...(isShuttingDown() ? { shuttingDown: true } : {}),
    };
  });
  return router;
}
