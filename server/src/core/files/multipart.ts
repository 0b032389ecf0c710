import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Context, Middleware, Next } from 'koa';
import { AppError } from '../errors';
import { guardBody, type BodyGuard } from '../http/body-guard';

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

export interface MultipartOptions {
  fileField: string;
  maxFileBytes: number;
  /** No byte of the body for this long answers 408 (`http.bodyIdleTimeoutMs`). */
  idleMs: number;
}

export async function readMultipart(ctx: Context, opts: MultipartOptions): Promise<MultipartUpload> {
  if (!ctx.is('multipart/form-data')) throw notMultipart();
  const declared = Number(ctx.get('content-length') || 0);
  const maxBodyBytes = opts.maxFileBytes + FORM_OVERHEAD_BYTES;
  if (declared > maxBodyBytes) {
    ctx.set('Connection', 'close');
    throw tooLarge(opts.maxFileBytes);
  }
  // The whole body is bounded, not only the file: preamble and ignored parts cost bytes too.
  const guard = guardBody(ctx.req, {
    idleMs: opts.idleMs,
    maxBytes: maxBodyBytes,
    tooLarge: () => tooLarge(opts.maxFileBytes),
  });
  try {
    return await parse(ctx.req, opts, guard);
  } catch (err) {
    // The rest of the body is not read: close the connection instead of draining it.
    ctx.set('Connection', 'close');
    throw err;
  } finally {
    guard.dispose();
  }
}

const malformed = (err: unknown) =>
  new AppError('VALIDATION_FAILED', '上传内容格式有误（表单不完整或分隔符错误），请重新上传', {
    reason: err instanceof Error ? err.message : String(err),
  });
const invalidForm = (message: string) => new AppError('VALIDATION_FAILED', message);

/**
 * Every emitter here has an error path: busboy itself, each file stream (busboy destroys an open
 * file stream with an error when the form ends early, and an unheard stream error ends the
 * process), and the request through the guard. Whatever fails first settles the promise once and
 * stops the parser; limits busboy only reports as events are refusals, never silent truncation.
 */
function parse(req: IncomingMessage, opts: MultipartOptions, guard: BodyGuard): Promise<MultipartUpload> {
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
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.pause(); // nothing more is parsed; the socket closes once the answer is out
      // Not synchronously: busboy reports limits from inside its write and goes on using the file
      // stream that destroying it would null (a TypeError thrown into the request's data event).
      process.nextTick(() => bb.destroy());
      reject(err);
    };
    guard.failed.catch(fail);
    bb.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) fail(invalidForm(`表单字段 ${name} 过长`));
      else result.fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      stream.on('error', (err) => fail(malformed(err)));
      if (name !== opts.fileField) {
        stream.resume();
        fail(invalidForm(`文件字段名应为 ${opts.fileField}，收到的是 ${name}`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge(opts.maxFileBytes)));
      stream.on('end', () => {
        if (!settled) result.file = { filename: info.filename ?? '', body: Buffer.concat(chunks) };
      });
    });
    bb.on('filesLimit', () => fail(invalidForm('一次只能上传一个文件')));
    bb.on('fieldsLimit', () => fail(invalidForm('表单字段过多')));
    bb.on('partsLimit', () => fail(invalidForm('表单内容过多（分段超过上限）')));
    bb.on('error', (err) => fail(malformed(err)));
    bb.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(result);
    });
    req.pipe(bb);
  });
}
