import type Router from '@koa/router';
import { z } from 'zod';
import type { SimContext } from './context';
import { buildNotifyBody } from './notify';
import { PayError } from './pay-auth';
import type { Order, Refund } from './pay-store';
import { parseOrThrow } from './pay-transactions';
import { refundView } from './pay-views';

const RefundBody = z
  .object({
    transaction_id: z.string().optional(),
    out_trade_no: z.string().optional(),
    out_refund_no: z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/),
    reason: z.string().max(80).optional(),
    notify_url: z
      .string()
      .url()
      .regex(/^https?:\/\//)
      .optional(),
    funds_account: z.string().optional(),
    amount: z.object({
      refund: z.number().int().positive(),
      total: z.number().int().positive(),
      currency: z.literal('CNY'),
    }),
    goods_detail: z.unknown().optional(),
  })
  .refine((b) => b.transaction_id || b.out_trade_no, {
    message: 'transaction_id 与 out_trade_no 必填其一',
    path: ['out_trade_no'],
  });

type RefundInput = z.infer<typeof RefundBody>;

function refundableOrder(sim: SimContext, input: RefundInput): Order {
  const order = input.transaction_id
    ? sim.payStore.findByTransactionId(input.transaction_id)
    : sim.payStore.orders.get(input.out_trade_no!);
  if (!order) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND')
    throw new PayError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
  if (input.amount.total !== order.total)
    throw new PayError(400, 'PARAM_ERROR', '订单金额与原订单金额不一致');
  if (input.amount.refund > order.total - order.refunded)
    throw new PayError(403, 'NOT_ENOUGH', '申请退款金额超过订单可退金额');
  return order;
}

/** Turns the refund SUCCESS and, when a notify_url was given, sends REFUND.SUCCESS. */
function settleRefund(sim: SimContext, refund: Refund): void {
  refund.status = 'SUCCESS';
  refund.succeededAt = new Date();
  if (!refund.notify_url || !sim.pay) return;
  const body = buildNotifyBody('REFUND.SUCCESS', refundView(refund, sim.pay.mchId, true), sim.pay.apiV3Key);
  void sim.notifier.deliver(refund.notify_url, body);
}

/** Domestic refunds: apply (settles asynchronously) and query. */
export function registerRefundRoutes(router: Router, sim: SimContext): void {
  router.post('/v3/refund/domestic/refunds', (ctx) => {
    const input = parseOrThrow(RefundBody, ctx.request.body);
    const fingerprint = JSON.stringify(input);
    const existing = sim.payStore.refunds.get(input.out_refund_no);
    if (existing) {
      if (existing.fingerprint !== fingerprint)
        throw new PayError(400, 'INVALID_REQUEST', '商户退款单号重复，参数不一致');
      ctx.body = refundView(existing, sim.pay!.mchId);
      return;
    }
    const order = refundableOrder(sim, input);
    const refund: Refund = {
      refund_id: sim.payStore.newRefundId(),
      out_refund_no: input.out_refund_no,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id!,
      reason: input.reason,
      notify_url: input.notify_url,
      refund: input.amount.refund,
      total: order.total,
      currency: input.amount.currency,
      status: 'PROCESSING',
      fingerprint,
      createdAt: new Date(),
    };
    order.refunded += refund.refund;
    order.trade_state = 'REFUND';
    sim.payStore.refunds.set(refund.out_refund_no, refund);
    sim.defer(sim.refundSettleMs, () => settleRefund(sim, refund));
    ctx.body = refundView(refund, sim.pay!.mchId);
  });

  router.get('/v3/refund/domestic/refunds/:no', (ctx) => {
    const refund = sim.payStore.refunds.get(ctx.params.no!);
    if (!refund) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    ctx.body = refundView(refund, sim.pay!.mchId);
  });
}
