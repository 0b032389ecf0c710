import type { Context, Next } from 'koa';
import { ERROR_CODES, type ErrorBody } from '@gantry/shared';
import { AppError, RateLimitError, ServiceUnavailableError } from '../errors';
import { isConnectionError } from './connection-errors';

/** The methods some route of ours answers; anything else (TRACE, PROPFIND, …) is 501 everywhere. */
const IMPLEMENTED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Statuses the routers set without a body, and the error that gives them a JSON body. */
const BODYLESS: Record<number, (ctx: Context) => AppError> = {
  404: (ctx) => new AppError('ROUTE_NOT_FOUND', `接口不存在：${ctx.method} ${ctx.path}`),
  405: (ctx) =>
    new AppError('METHOD_NOT_ALLOWED', `该接口不支持 ${ctx.method} 请求`, {
      allow: String(ctx.response.get('Allow')).split(/,\s*/).filter(Boolean),
    }),
  501: (ctx) => new AppError('NOT_IMPLEMENTED', `服务器不支持 ${ctx.method} 请求`),
};

export interface ErrorMiddlewareOptions {
  /** Retry-After (seconds) on a 503 when MongoDB or Redis cannot be reached. */
  unavailableRetryAfterSeconds: number;
}

/**
 * The single try/catch at the top of the chain. AppErrors map to their status from the shared
 * table; errors thrown by Koa's own helpers (`ctx.throw`, body parser) keep their status when it
 * is a client error, with our Chinese message; a lost database or Redis is a 503 with Retry-After;
 * everything else becomes a generic 500 whose message stays in the log. Unknown routes, wrong and
 * unknown methods answer the same JSON body.
 */
export function errorMiddleware(options: ErrorMiddlewareOptions = { unavailableRetryAfterSeconds: 5 }) {
  return async (ctx: Context, next: Next) => {
    try {
      if (!IMPLEMENTED_METHODS.has(ctx.method)) throw BODYLESS[501]!(ctx);
      await next();
      const bodyless = BODYLESS[ctx.status];
      if (bodyless && (ctx.body === undefined || ctx.body === null || ctx.body === '')) throw bodyless(ctx);
    } catch (err) {
      const appError = toAppError(err, options);
      if (appError.status >= 500 && !(appError instanceof ServiceUnavailableError))
        ctx.log.error({ err }, 'request failed');
      else if (appError.status >= 500) ctx.log.warn({ err: String(err) }, 'dependency unavailable');
      else ctx.log.info({ code: appError.code, status: appError.status }, 'request refused');
      if (appError instanceof RateLimitError || appError instanceof ServiceUnavailableError)
        ctx.set('Retry-After', String(appError.retryAfterSeconds));
      const body: ErrorBody = {
        error: {
          code: appError.code,
          message: appError.expose ? appError.message : ERROR_CODES.INTERNAL.message,
          ...(appError.expose && appError.details !== undefined ? { details: appError.details } : {}),
        },
      };
      ctx.status = appError.status;
      ctx.body = body;
    }
  };
}

function toAppError(err: unknown, options: ErrorMiddlewareOptions): AppError {
  if (err instanceof AppError) return err;
  if (isConnectionError(err)) return new ServiceUnavailableError(options.unavailableRetryAfterSeconds);
  const e = err as { status?: unknown; expose?: unknown; type?: unknown };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON');
  if (e?.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  // http-errors' messages are English ("Bad Request", "invalid content-length"): the status stays, the words are ours.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return new AppError('VALIDATION_FAILED');
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}
