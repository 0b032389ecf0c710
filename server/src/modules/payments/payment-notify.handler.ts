import type { Context, Middleware, Next } from 'koa';
import pLimit from 'p-limit';
import type { Logger } from '../../core/logger';
import { NotifyRejected, type PayNotifyVerifier } from '../../integrations/wechat/pay-notify';
import { SettlementRefused, type PaymentSettlement } from './payment-settlement';
import type { FollowUpQueue } from './follow-up-queue';
import type { RefundService } from './refund.service';

export const NOTIFY_PATHS = ['/api/v1/payments/wechat/notify', '/api/v1/payments/wechat/refund-notify'];
const MAX_BODY_BYTES = 64 * 1024;

export interface NotifyHandlerDeps {
  verifier: PayNotifyVerifier | null;
  settlement: PaymentSettlement;
  refunds: RefundService;
  followUps: FollowUpQueue;
  logger: Logger;
  /** Notifications applied at once; the others wait in line (first come, first served). */
  concurrency: number;
  /** More than this waiting → 503 at once, and WeChat delivers it again later. */
  maxWaiting: number;
}

/** The exact bytes WeChat signed (a re-serialised object would not verify). */
async function readRaw(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new NotifyRejected(413, '通知内容过大');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fail(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { code: 'FAIL', message };
}

/**
 * WeChat Pay notifications (payments and refunds, told apart by event_type). Mounted before the JSON
 * body parser so the signature is checked over the raw body, and answered in WeChat's format:
 * 204 when applied or already applied, `{"code":"FAIL","message"}` with 4xx/5xx otherwise. The slow
 * follow-up runs once the answer is sent; it is durable because the settle job redoes what is owed.
 */
export function paymentNotifyHandler(d: NotifyHandlerDeps): Middleware {
  // In line rather than all at once: on SQLite-backed FerretDB concurrent writers retry for the lock
  // in no fair order, so with 50 in flight a few waited 4–5 s (measured; WeChat gives up at 5 s).
  // First come, first served, the slowest of 50 waited about 1 s.
  const inLine = pLimit(d.concurrency);
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !NOTIFY_PATHS.includes(ctx.path)) return next();
    const answered = d.followUps.answer();
    ctx.res.once('close', answered);
    try {
      if (!d.verifier) return fail(ctx, 503, '微信支付尚未配置');
      const notification = await d.verifier.open({
        headers: ctx.headers,
        rawBody: await readRaw(ctx),
        now: new Date(),
      });
      if (inLine.pendingCount >= d.maxWaiting) return fail(ctx, 503, '系统繁忙，请稍后重试');
      let followUp: () => Promise<void>;
      if (notification.kind === 'transaction') {
        const { payment } = await inLine(() => d.settlement.settle(notification.transaction));
        followUp = () => d.settlement.finish(String(payment._id));
      } else {
        const { refund } = await inLine(() => d.refunds.apply(notification.refund));
        followUp = () => d.refunds.finish(String(refund._id));
      }
      ctx.status = 204;
      ctx.res.once('finish', () => d.followUps.push(followUp));
    } catch (err) {
      if (err instanceof NotifyRejected) return fail(ctx, err.status, err.message);
      if (err instanceof SettlementRefused) return fail(ctx, err.httpStatus, err.message);
      d.logger.error({ err }, 'payment notification failed');
      fail(ctx, 500, '处理失败，请稍后重试');
    }
  };
}
