import { calendarDateOf, invoiceOpenAmount, type Invoice, type InvoiceReason } from '@gantry/shared';
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

export function toInvoice(inv: InvoiceDoc, customerName: string | null): Invoice {
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
    paidAmount: inv.paidAmount,
    refundedAmount: inv.refundedAmount,
    openAmount: inv.status === 'void' ? 0 : invoiceOpenAmount(inv),
    status: inv.status,
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

/** The fields invoice notices render (money in fen, dates as ISO; `invoiceNo`/`amount` as the existing templates name them). */
export function invoiceEventPayload(inv: InvoiceDoc) {
  return {
    customerId: String(inv.customerId),
    invoiceId: String(inv._id),
    invoiceNo: inv.number,
    contractId: String(inv.contractId),
    projectId: inv.projectId ? String(inv.projectId) : null,
    amount: invoiceOpenAmount(inv),
    invoiceAmount: inv.amount,
    paidAmount: inv.paidAmount,
    dueDate: inv.dueDate.toISOString(),
    dueDay: calendarDateOf(inv.dueDate),
    milestoneName: inv.reason.milestoneName,
    installmentName: inv.reason.installmentName,
    reason: reasonText(inv),
  };
}
