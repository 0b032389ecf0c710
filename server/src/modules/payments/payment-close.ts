import { Types } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { PayApiError, type WechatPay } from '../../integrations/wechat/pay';
import type { PaymentSettlement } from './payment-settlement';
import type { PaymentDoc, PaymentModel } from './payment.model';

export interface OrderClosingDeps {
  payments: PaymentModel;
  settlement: PaymentSettlement;
  audit: AuditLog;
}

export interface CloseReason {
  /** `superseded`: a new pay tap; `cancelled`: WeChat's cashier said the customer cancelled or it failed. */
  reason: 'superseded' | 'cancelled';
  actor: Actor | null;
  requestId?: string;
}

/**
 * Older unpaid orders of the invoice are closed at WeChat before a new one is made, so two orders
 * can never both be paid (an overpayment); one WeChat already reports paid is settled instead, and
 * the new order is sized from what is still open (or refused when nothing is). Callers hold the
 * invoice's pay lock.
 */
export async function closeOpenOrders(d: OrderClosingDeps, pay: WechatPay, invoiceId: string): Promise<void> {
  const open = await d.payments
    .find({ invoiceId: new Types.ObjectId(invoiceId), status: 'created' })
    .lean<PaymentDoc[]>();
  for (const p of open) await closeOrder(d, pay, p, { reason: 'superseded', actor: null });
}

/**
 * Closes one unpaid order, at WeChat first. WeChat is asked before closing because the customer
 * may have paid a moment ago: an order the ledger holds or WeChat reports paid is settled, never
 * closed (and a close answered ORDERPAID settles it too), so its notification still applies once.
 */
export async function closeOrder(
  d: OrderClosingDeps,
  pay: WechatPay,
  p: PaymentDoc,
  why: CloseReason,
): Promise<void> {
  if (await d.settlement.recorded(p)) return d.settlement.finish(String(p._id));
  const tx = await pay.queryOrder(p.outTradeNo);
  if (tx && (tx.state === 'SUCCESS' || tx.state === 'REFUND')) {
    await d.settlement.settle(tx);
    return d.settlement.finish(String(p._id));
  }
  if (tx && tx.state !== 'CLOSED' && !(await closeAtWechat(d, pay, p))) return;
  const closed = await d.payments.updateOne(
    { _id: p._id, status: 'created' },
    { $set: { status: 'closed', closedAt: new Date() } },
  );
  if (closed.modifiedCount === 0) return;
  await d.audit.record({
    actor: why.actor,
    action: 'payment.closed',
    resource: 'payment',
    resourceId: p._id,
    before: { status: 'created' },
    after: { status: 'closed', reason: why.reason },
    requestId: why.requestId,
  });
}

/** False when WeChat says the order was paid just now: it has been settled instead of closed. */
async function closeAtWechat(d: OrderClosingDeps, pay: WechatPay, p: PaymentDoc): Promise<boolean> {
  try {
    await pay.closeOrder(p.outTradeNo);
    return true;
  } catch (err) {
    if (!(err instanceof PayApiError) || err.code !== 'ORDERPAID') throw err;
    const tx = await pay.queryOrder(p.outTradeNo);
    if (tx) await d.settlement.settle(tx);
    await d.settlement.finish(String(p._id));
    return false;
  }
}
