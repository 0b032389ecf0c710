import { randomBytes } from 'node:crypto';
import type { Payment, Refund } from '@gantry/shared';
import type { PaymentDoc } from './payment.model';
import type { RefundDoc } from './refund.model';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toPayment(p: PaymentDoc): Payment {
  return {
    id: String(p._id),
    invoiceId: String(p.invoiceId),
    customerId: String(p.customerId),
    amount: p.amount,
    outTradeNo: p.outTradeNo,
    status: p.status,
    transactionId: p.transactionId ?? null,
    paidAt: iso(p.paidAt),
    refundedAmount: p.refundedAmount,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

export function toRefund(r: RefundDoc): Refund {
  return {
    id: String(r._id),
    paymentId: String(r.paymentId),
    invoiceId: String(r.invoiceId),
    outRefundNo: r.outRefundNo,
    amount: r.amount,
    reason: r.reason,
    status: r.status,
    requestedBy: String(r.requestedBy),
    requestedByName: r.requestedByName,
    needsApproval: r.needsApproval,
    approvals: r.approvals.map((a) => ({
      by: String(a.by),
      byName: a.byName,
      decision: a.decision,
      comment: a.comment,
      at: new Date(a.at).toISOString(),
    })),
    refundId: r.refundId ?? null,
    succeededAt: iso(r.succeededAt),
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** Our order numbers: a letter, the UTC date and 16 random hex digits (≤ 32 chars, WeChat's limit). */
export function newTradeNo(prefix: 'P' | 'R'): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const rand = randomBytes(8).toString('hex');
  return `${prefix}${day}${rand}`;
}
