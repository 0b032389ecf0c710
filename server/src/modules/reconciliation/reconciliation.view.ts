import type { Discrepancy, Reconciliation } from '@gantry/shared';
import type { DiscrepancyDoc, ReconciliationDoc } from './reconciliation.model';

const idOrNull = (v: unknown) => (v ? String(v) : null);

export function reconciliationView(doc: ReconciliationDoc, unresolved: number): Reconciliation {
  return {
    id: String(doc._id),
    date: doc.date,
    status: doc.status,
    emptyBill: doc.emptyBill,
    hashValue: doc.hashValue,
    counts: {
      billLines: doc.counts?.billLines ?? 0,
      matched: doc.counts?.matched ?? 0,
      missing_ours: doc.counts?.missing_ours ?? 0,
      missing_bill: doc.counts?.missing_bill ?? 0,
      amount_mismatch: doc.counts?.amount_mismatch ?? 0,
      status_mismatch: doc.counts?.status_mismatch ?? 0,
    },
    billPaid: doc.billPaid,
    billRefunded: doc.billRefunded,
    unresolved,
    runs: doc.runs,
    error: doc.error,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
  };
}

export function discrepancyView(doc: DiscrepancyDoc): Discrepancy {
  return {
    id: String(doc._id),
    kind: doc.kind,
    subject: doc.subject,
    outTradeNo: doc.outTradeNo,
    outRefundNo: doc.outRefundNo,
    wechatId: doc.wechatId,
    billAmount: doc.billAmount,
    ourAmount: doc.ourAmount,
    billStatus: doc.billStatus,
    ourStatus: doc.ourStatus,
    paymentId: idOrNull(doc.paymentId),
    refundId: idOrNull(doc.refundId),
    invoiceId: idOrNull(doc.invoiceId),
    resolved: doc.resolved
      ? {
          note: doc.resolved.note,
          by: String(doc.resolved.by),
          byName: doc.resolved.byName,
          at: doc.resolved.at.toISOString(),
        }
      : null,
  };
}
