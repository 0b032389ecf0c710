import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../errors';
import { requestIncomplete } from './body-guard';

/**
 * JSON bodies only, with a size limit. `ctx.request.rawBody` keeps the exact bytes for signature
 * checks (WeChat Pay notifications). Malformed JSON, bodies over the limit and bodies cut short
 * (client gone, or fewer bytes than Content-Length) become 400s with our codes; a stalled body is
 * ended by Node's `requestTimeout` (408).
 */
export function jsonBody(jsonLimit: string) {
  const parser = bodyParser({
    enableTypes: ['json'],
    jsonLimit,
    encoding: 'utf-8',
    onError(err: Error & { type?: string; status?: number }) {
      if (err.type === 'entity.too.large' || err.status === 413) {
        throw new AppError('PAYLOAD_TOO_LARGE', `请求内容超过 ${jsonLimit} 上限`, { limit: jsonLimit });
      }
      // A body cut short is not bad JSON: the client should send it again, not fix it.
      if (err.type === 'request.aborted' || err.type === 'request.size.invalid') throw requestIncomplete();
      throw new AppError('MALFORMED_JSON', '请求内容不是有效的 JSON', { reason: err.message });
    },
  });
  return async (ctx: Context, next: Next) => {
    if (ctx.state.upload) return next(); // already read by rawUpload
    const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) && ctx.request.length !== 0;
    if (hasBody && ctx.request.length !== undefined && !ctx.is('application/json')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请求内容类型必须是 application/json');
    }
    return parser(ctx, next);
  };
}
