import type { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';
import { AppError } from '../errors';
import { guardBody } from './body-guard';

/**
 * Raw request bodies for upload routes (`POST` to one of `paths`), read into `ctx.state.upload`
 * with a byte limit before `jsonBody`, which then leaves the request alone. The route checks the
 * content itself, so a wrong file answers a clear 400 instead of jsonBody's 415. A body that stops
 * arriving answers 408 after `idleMs`, one cut short 400; either way the connection is closed, as
 * after a refusal the rest of the body is not read.
 */
export function rawUpload(paths: readonly string[], limitBytes: number, idleMs: number) {
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', `上传文件超过 ${Math.round(limitBytes / 1024 / 1024)} MB 上限`, {
      limitBytes,
    });
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !paths.includes(ctx.path)) return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limitBytes) {
      ctx.set('Connection', 'close');
      throw tooLarge();
    }
    const guard = guardBody(ctx.req, { idleMs, maxBytes: limitBytes, tooLarge });
    try {
      const body = await Promise.race([readAll(ctx.req), guard.failed]);
      ctx.state.upload = { body, contentType: ctx.get('content-type') };
    } catch (err) {
      ctx.req.pause(); // nothing more is collected; the socket closes once the answer is out
      ctx.set('Connection', 'close');
      throw err;
    } finally {
      guard.dispose();
    }
    return next();
  };
}

/** Collects the body; the guard (attached in the same tick) bounds it and reports its failures. */
function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
  });
}
