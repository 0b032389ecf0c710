import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';

/**
 * The ways a request body can fail while one of our readers (multipart uploads, raw uploads)
 * consumes it, as one promise that rejects with the error to answer. Without it a body that stops
 * arriving, or a client that hangs up half way, leaves the reader's promise pending for ever (and
 * the buffered chunks with it); an `error` on the request with nobody listening would end the process.
 */
export interface BodyGuard {
  /** Rejects on abort, stall or too many bytes; never resolves. */
  readonly failed: Promise<never>;
  dispose(): void;
}

export interface BodyGuardOptions {
  idleMs: number;
  maxBytes: number;
  tooLarge: () => AppError;
}

export const requestIncomplete = () =>
  new AppError('REQUEST_INCOMPLETE', '请求内容未完整收到（连接已中断），请重新发送');

const requestTimedOut = (idleMs: number) =>
  new AppError(
    'REQUEST_TIMEOUT',
    `请求内容超过 ${Math.round(idleMs / 100) / 10} 秒没有继续发送，请检查网络后重试`,
    {
      idleMs,
    },
  );

/**
 * Watches `req` while a consumer reads it. It listens to `data` to count bytes, so the consumer
 * must be attached (pipe or `data` listener) in the same tick, or the first chunks are lost.
 */
export function guardBody(req: IncomingMessage, opts: BodyGuardOptions): BodyGuard {
  let fail: (err: AppError) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // a guard nobody awaited any more must not become an unhandled rejection
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(requestTimedOut(opts.idleMs)), opts.idleMs);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > opts.maxBytes) fail(opts.tooLarge());
    else arm();
  };
  const onEnd = () => clearTimeout(timer);
  // `close` before the body was complete is a client that hung up (or a proxy that gave up).
  const onClose = () => {
    clearTimeout(timer);
    if (!req.complete) fail(requestIncomplete());
  };
  const onError = () => fail(requestIncomplete());
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onClose);
  req.on('error', onError);
  if (req.complete) onEnd();
  else arm();
  return {
    failed,
    dispose() {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      // The error listener stays: a late socket error on this request must still find one.
    },
  };
}
