import type { Order, Refund } from './pay-store';
import { rfc3339Cst } from './time';

const STATE_DESC: Record<Order['trade_state'], string> = {
  NOTPAY: '未支付',
  SUCCESS: '支付成功',
  CLOSED: '已关闭',
  REFUND: '转入退款',
};

/** The transaction object of query responses and TRANSACTION.SUCCESS notifications. */
export function transactionView(order: Order): Record<string, unknown> {
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.out_trade_no,
    ...(order.transaction_id ? { transaction_id: order.transaction_id } : {}),
    trade_type: 'JSAPI',
    trade_state: order.trade_state,
    trade_state_desc: STATE_DESC[order.trade_state],
    ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339Cst(order.paidAt!) } : {}),
    attach: order.attach ?? '',
    payer: { openid: order.openid },
    amount: paid
      ? {
          total: order.total,
          payer_total: order.total,
          currency: order.currency,
          payer_currency: order.currency,
        }
      : { total: order.total, currency: order.currency, payer_currency: order.currency },
  };
}

/** The refund object of refund responses; `forNotify` gives the REFUND.SUCCESS resource shape. */
export function refundView(refund: Refund, mchid: string, forNotify = false): Record<string, unknown> {
  const amount = {
    total: refund.total,
    refund: refund.refund,
    payer_total: refund.total,
    payer_refund: refund.refund,
  };
  const common = {
    out_trade_no: refund.out_trade_no,
    transaction_id: refund.transaction_id,
    out_refund_no: refund.out_refund_no,
    refund_id: refund.refund_id,
    user_received_account: '支付用户零钱',
    ...(refund.succeededAt ? { success_time: rfc3339Cst(refund.succeededAt) } : {}),
  };
  if (forNotify) return { mchid, ...common, refund_status: refund.status, amount };
  return {
    ...common,
    channel: 'ORIGINAL',
    create_time: rfc3339Cst(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      ...amount,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: refund.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}
