import type {
  AgingBucket,
  FapiaoStatus,
  Invoice,
  InvoiceArrangementInput,
  InvoiceListQuery,
  InvoiceStatus,
  Page,
  Receivables,
} from '@gantry/shared';
import { http } from './http';

export { formatFen } from './changes';

/* Labels repeated from shared/src/invoices.ts, which pulls zod into the bundle for these tables. */
export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: '草稿',
  issued: '待付款',
  partially_paid: '部分付款',
  paid: '已付清',
  overdue: '已逾期',
  void: '已作废',
};

/** Statuses with money still expected: the customer can pay these. */
export const OPEN_INVOICE_STATUSES: readonly InvoiceStatus[] = ['issued', 'partially_paid', 'overdue'];

export const AGING_BUCKET_LABELS: Record<AgingBucket, string> = {
  current: '未到期',
  d0_30: '0–30 天',
  d31_60: '31–60 天',
  d61_90: '61–90 天',
  d90_plus: '90 天以上',
};
export const AGING_BUCKETS: readonly AgingBucket[] = ['current', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'];

export const FAPIAO_STATUS_LABELS: Record<FapiaoStatus, string> = {
  none: '未申请',
  requested: '已申请',
  issued: '已开具',
};

/** Why the money is due, in the customer's words: the confirmed milestone, the signing or the date. */
export function reasonText(invoice: Invoice): string {
  const r = invoice.reason;
  if (r.text) return r.text;
  if (r.kind === 'milestone' && r.milestoneName) return `里程碑「${r.milestoneName}」已确认`;
  if (r.kind === 'signing') return '合同签订';
  return '按合同约定日期';
}

export function isPayable(invoice: Invoice): boolean {
  return OPEN_INVOICE_STATUSES.includes(invoice.status) && invoice.openAmount > 0;
}

export type InvoiceFilter = Partial<Omit<InvoiceListQuery, 'limit'>> & { limit?: number };

export function listInvoices(query: InvoiceFilter = {}): Promise<Page<Invoice>> {
  return http.get<Page<Invoice>>('/invoices', { query: { limit: 20, ...query } });
}

export function getInvoice(id: string): Promise<Invoice> {
  return http.get<Invoice>(`/invoices/${encodeURIComponent(id)}`, { toast: false });
}

export function getReceivables(asOf?: string): Promise<Receivables> {
  return http.get<Receivables>('/receivables', { query: { asOf } });
}

export function requestFapiao(id: string, input: { title: string; taxId?: string }): Promise<Invoice> {
  return http.post<Invoice>(`/invoices/${encodeURIComponent(id)}/fapiao/request`, input, { toast: false });
}

/** Finance records (agreed) or withdraws a payment arrangement; while agreed, overdue reminders pause. */
export function setArrangement(id: string, input: InvoiceArrangementInput): Promise<Invoice> {
  return http.post<Invoice>(`/invoices/${encodeURIComponent(id)}/arrangement`, input, { toast: false });
}

export function issueFapiao(id: string, input: { number: string; issuedDate: string }): Promise<Invoice> {
  return http.post<Invoice>(`/invoices/${encodeURIComponent(id)}/fapiao/issue`, input, { toast: false });
}
