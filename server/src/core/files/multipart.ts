import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Context, Middleware, Next } from 'koa';
import { AppError } from '../errors';

/**
 * multipart/form-data uploads (`wx.uploadFile` / `Taro.uploadFile`: one file field plus string
 * fields), parsed by busboy while the request streams in. The byte limit is enforced on the file
 * stream itself, so an oversized upload is refused without being held in memory.
 */
export interface MultipartUpload {
  file: { filename: string; body: Buffer } | null;
  fields: Record<string, string>;
}

/** Form fields and headers beyond the file: a declared length above limit + this is refused unread. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export const tooLarge = (limitBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `上传文件超过 ${formatMb(limitBytes)} 上限`, { limitBytes });

const formatMb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

const notMultipart = () =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件，文件字段名为 file');

/** Lets multipart requests to `paths` pass the JSON body parser untouched; the route reads them. */
export function exceptMultipart(paths: readonly string[], parser: Middleware): Middleware {
  return (ctx: Context, next: Next) =>
    ctx.method === 'POST' && paths.includes(ctx.path) && ctx.is('multipart/form-data')
      ? next()
      : parser(ctx, next);
}

export async function readMultipart(
  ctx: Context,
  opts: { fileField: string; maxFileBytes: number },
): Promise<MultipartUpload> {
  if (!ctx.is('multipart/form-data')) throw notMultipart();
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > opts.maxFileBytes + FORM_OVERHEAD_BYTES) {
    ctx.set('Connection', 'close');
    throw tooLarge(opts.maxFileBytes);
  }
  try {
    return await parse(ctx.req, opts);
  } catch (err) {
    // The rest of the body is not read: close the connection instead of draining it.
    ctx.set('Connection', 'close');
    throw err;
  }
}

function parse(
  req: IncomingMessage,
  opts: { fileField: string; maxFileBytes: number },
): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: opts.maxFileBytes, fields: 10, fieldSize: 1024, parts: 12 },
        defParamCharset: 'utf8', // WeChat and browsers send UTF-8 file names
      });
    } catch {
      reject(notMultipart());
      return;
    }
    const result: MultipartUpload = { file: null, fields: {} };
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      reject(err);
    };
    bb.on('field', (name, value) => (result.fields[name] = value));
    bb.on('file', (name, stream, info) => {
      if (name !== opts.fileField) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge(opts.maxFileBytes)));
      stream.on('end', () => {
        if (!failed) result.file = { filename: info.filename ?? '', body: Buffer.concat(chunks) };
      });
    });
    bb.on('filesLimit', () => fail(new AppError('VALIDATION_FAILED', '一次只能上传一个文件')));
    bb.on('error', (err) =>
      fail(new AppError('VALIDATION_FAILED', '上传内容格式有误', { reason: String(err) })),
    );
    bb.on('close', () => {
      if (!failed) resolve(result);
    });
    req.pipe(bb);
  });
}
