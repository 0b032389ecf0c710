import type { Context, Middleware, Next } from 'koa';
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
      let followUp: () => Promise<void>;
      if (notification.kind === 'transaction') {
        const { payment } = await d.settlement.settle(notification.transaction);
        followUp = () => d.settlement.finish(String(payment._id));
      } else {
        const { refund } = await d.refunds.apply(notification.refund);
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
