import type { Context, Next } from 'koa';
import { ERROR_CODES, type ErrorBody } from '@gantry/shared';
import { AppError, RateLimitError } from '../errors';

/**
 * The single try/catch at the top of the chain. AppErrors map to their status from the shared
 * table; errors thrown by Koa's own helpers (`ctx.throw`, body parser) keep their status when it
 * is a client error; everything else becomes a generic 500 whose message stays in the log.
 */
export function errorMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError('ROUTE_NOT_FOUND', `接口不存在：${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) ctx.log.error({ err }, 'request failed');
      else ctx.log.info({ code: appError.code, status: appError.status }, 'request refused');
      if (appError instanceof RateLimitError) ctx.set('Retry-After', String(appError.retryAfterSeconds));
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

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON');
  if (e?.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return new AppError('VALIDATION_FAILED', typeof e.message === 'string' ? e.message : undefined);
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}
