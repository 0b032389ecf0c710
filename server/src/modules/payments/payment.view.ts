import { Types, type Model, type QueryFilter } from 'mongoose';
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

/**
 * Our order numbers: a letter, `I`, and the record's own id (26 characters; WeChat allows 6–32 of
 * `[0-9A-Za-z_|*-]`). A notification then finds its order by primary key: on FerretDB v1 that is
 * the one lookup that does not read the whole collection, and the answer to WeChat waits for it.
 * The `I` keeps them apart from the older dated form (`P20261128…`, all hex digits after the letter).
 */
export function tradeNoFor(prefix: 'P' | 'R', id: Types.ObjectId): string {
  return `${prefix}I${id.toHexString()}`;
}

/** The record id inside one of our order numbers; null for a number in another form. */
export function idOfTradeNo(prefix: 'P' | 'R', tradeNo: string): Types.ObjectId | null {
  const m = /^([PR])I([0-9a-f]{24})$/.exec(tradeNo);
  return m && m[1] === prefix ? new Types.ObjectId(m[2]) : null;
}

/**
 * Our payment (`P`, by `outTradeNo`) or refund (`R`, by `outRefundNo`) named by WeChat: by the id
 * inside the number (a primary-key read), or by field for numbers of the older form.
 */
export async function findByTradeNo<D extends Record<F, string>, F extends 'outTradeNo' | 'outRefundNo'>(
  model: Model<D>,
  prefix: 'P' | 'R',
  field: F,
  tradeNo: string,
): Promise<D | null> {
  const id = idOfTradeNo(prefix, tradeNo);
  if (!id) return model.findOne({ [field]: tradeNo } as QueryFilter<D>).lean<D>();
  const doc = await model.findById(id).lean<D>();
  return doc?.[field] === tradeNo ? doc : null;
}
