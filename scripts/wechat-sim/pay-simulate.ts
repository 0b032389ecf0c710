import type { SimContext } from './context';
import { buildNotifyBody, type DeliveryResult } from './notify';
import { PayError } from './pay-auth';
import { transactionView } from './pay-views';

/**
 * Stands in for the user confirming wx.requestPayment: marks the order paid and sends the signed,
 * encrypted TRANSACTION.SUCCESS notification. Paying an already paid order re-sends the
 * notification, as WeChat's own duplicates do.
 */
export async function simulatePayment(
  sim: SimContext,
  outTradeNo: string,
  opts: { notify?: boolean } = {},
): Promise<DeliveryResult> {
  if (!sim.pay) throw new PayError(404, 'NOT_FOUND', 'WeChat Pay is not configured in this simulator');
  const order = sim.payStore.orders.get(outTradeNo);
  if (!order) throw new PayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  if (order.trade_state === 'CLOSED') throw new PayError(400, 'ORDER_CLOSED', '订单已关闭');
  sim.payStore.markPaid(order);
  // notify: false — the notification is lost on the way (the merchant must find out by querying).
  if (opts.notify === false) return { delivered: false };
  const body = buildNotifyBody('TRANSACTION.SUCCESS', transactionView(order), sim.pay.apiV3Key);
  return sim.notifier.deliver(order.notify_url, body);
}
