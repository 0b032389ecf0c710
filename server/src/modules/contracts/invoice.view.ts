import { calendarDateOf, invoiceOpenAmount, type Invoice, type InvoiceReason } from '@gantry/shared';
import type { InvoiceMoney } from './invoice-money';
import type { InvoiceDoc } from './invoice.model';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Why the money is due, in the customer's words. */
export function reasonText(inv: Pick<InvoiceDoc, 'reason'>): string {
  const r = inv.reason;
  switch (r.kind) {
    case 'milestone':
      return `节点「${r.milestoneName ?? ''}」已确认，${r.installmentName}到期`;
    case 'signing':
      return `合同已签订生效，${r.installmentName}到期`;
    case 'date':
      return `按合同约定日期，${r.installmentName}到期`;
    case 'amendment':
      return `合同变更，${r.installmentName}到期`;
  }
}

export function toInvoiceReason(inv: Pick<InvoiceDoc, 'reason'>): InvoiceReason {
  return {
    kind: inv.reason.kind,
    milestoneId: inv.reason.milestoneId ? String(inv.reason.milestoneId) : null,
    milestoneName: inv.reason.milestoneName,
    installmentName: inv.reason.installmentName,
    text: reasonText(inv),
  };
}

/** The invoice as shown, its money (and the status that follows from it) as the ledger holds it. */
export function toInvoice(inv: InvoiceDoc, customerName: string | null, money: InvoiceMoney): Invoice {
  return {
    id: String(inv._id),
    number: inv.number,
    contractId: String(inv.contractId),
    contractNumber: inv.contractNumber,
    installmentId: String(inv.installmentId),
    customerId: String(inv.customerId),
    customerName,
    projectId: inv.projectId ? String(inv.projectId) : null,
    amount: inv.amount,
    paidAmount: money.paid,
    refundedAmount: money.refunded,
    openAmount: money.open,
    status: money.status,
    issuedAt: iso(inv.issuedAt),
    dueDate: day(inv.dueDate),
    paidAt: iso(inv.paidAt),
    reason: toInvoiceReason(inv),
    fapiao: {
      status: inv.fapiao.status,
      title: inv.fapiao.title,
      taxId: inv.fapiao.taxId,
      requestedAt: iso(inv.fapiao.requestedAt),
      number: inv.fapiao.number,
      issuedDate: inv.fapiao.issuedDate ? day(inv.fapiao.issuedDate) : null,
    },
    arrangementAgreed: inv.arrangementAgreed,
    arrangementNote: inv.arrangementAgreed ? (inv.arrangementNote ?? null) : null,
    overdueLevel: inv.overdueLevel,
    voidReason: inv.voidReason,
  };
}

/**
 * The fields invoice notices render (money in fen, dates as ISO; `invoiceNo`/`amount` as the
 * existing templates name them). Without `money` the invoice's cache is used: callers that have
 * just recalculated it; anyone else passes what the ledger says.
 */
export function invoiceEventPayload(inv: InvoiceDoc, money?: InvoiceMoney) {
  return {
    customerId: String(inv.customerId),
    invoiceId: String(inv._id),
    invoiceNo: inv.number,
    contractId: String(inv.contractId),
    projectId: inv.projectId ? String(inv.projectId) : null,
    amount: money ? money.open : invoiceOpenAmount(inv),
    invoiceAmount: inv.amount,
    paidAmount: money ? money.paid : inv.paidAmount,
    dueDate: inv.dueDate.toISOString(),
    dueDay: calendarDateOf(inv.dueDate),
    milestoneName: inv.reason.milestoneName,
    installmentName: inv.reason.installmentName,
    reason: reasonText(inv),
  };
}
