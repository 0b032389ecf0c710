import type { Context, Next } from 'koa';
import { AppError } from '../errors';

/**
 * Raw request bodies for upload routes (`POST` to one of `paths`), read into `ctx.state.upload`
 * with a byte limit before `jsonBody`, which then leaves the request alone. The route checks the
 * content itself, so a wrong file answers a clear 400 instead of jsonBody's 415.
 */
export function rawUpload(paths: readonly string[], limitBytes: number) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !paths.includes(ctx.path)) return next();
    const declared = Number(ctx.get('content-length') || 0);
    const tooLarge = () =>
      new AppError('PAYLOAD_TOO_LARGE', `上传文件超过 ${Math.round(limitBytes / 1024 / 1024)} MB 上限`, {
        limitBytes,
      });
    if (declared > limitBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge();
      chunks.push(chunk);
    }
    ctx.state.upload = { body: Buffer.concat(chunks), contentType: ctx.get('content-type') };
    return next();
  };
}
