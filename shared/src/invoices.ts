import { z } from 'zod';
import { verbatimTextSchema } from './text';
import { calendarDateSchema } from './dates';
import { objectIdSchema } from './auth';

export const INVOICE_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'overdue', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: '草稿',
  issued: '待付款',
  partially_paid: '部分付款',
  paid: '已付清',
  overdue: '已逾期',
  void: '已作废',
};
/** Statuses with money still expected (the receivables view and the overdue job read these). */
export const INVOICE_OPEN_STATUSES = ['issued', 'partially_paid', 'overdue'] as const;

export const INVOICE_REASON_KINDS = ['signing', 'milestone', 'date', 'amendment'] as const;
export type InvoiceReasonKind = (typeof INVOICE_REASON_KINDS)[number];

export const FAPIAO_STATUSES = ['none', 'requested', 'issued'] as const;
export type FapiaoStatus = (typeof FAPIAO_STATUSES)[number];

/** Open amount = amount − paid + refunded (a refund reopens the invoice by what it gave back). */
export function invoiceOpenAmount(i: { amount: number; paidAmount: number; refundedAmount: number }): number {
  return Math.max(0, i.amount - i.paidAmount + i.refundedAmount);
}

export const invoiceReasonSchema = z.object({
  kind: z.enum(INVOICE_REASON_KINDS),
  milestoneId: z.string().nullable(),
  milestoneName: z.string().nullable(),
  installmentName: z.string(),
  /** 为什么现在要付：e.g. 里程碑“主体结构封顶”已确认. */
  text: z.string(),
});
export type InvoiceReason = z.infer<typeof invoiceReasonSchema>;

export const fapiaoSchema = z.object({
  status: z.enum(FAPIAO_STATUSES),
  title: z.string().nullable(),
  taxId: z.string().nullable(),
  requestedAt: z.string().nullable(),
  number: z.string().nullable(),
  issuedDate: z.string().nullable(),
});
export type Fapiao = z.infer<typeof fapiaoSchema>;

export const invoiceSchema = z.object({
  id: z.string(),
  number: z.string(),
  contractId: z.string(),
  contractNumber: z.string(),
  installmentId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  projectId: z.string().nullable(),
  amount: z.number(),
  paidAmount: z.number(),
  refundedAmount: z.number(),
  openAmount: z.number(),
  status: z.enum(INVOICE_STATUSES),
  issuedAt: z.string().nullable(),
  dueDate: z.string(),
  paidAt: z.string().nullable(),
  reason: invoiceReasonSchema,
  fapiao: fapiaoSchema,
  arrangementAgreed: z.boolean(),
  /** What finance agreed with the customer (shown to the customer too: nothing agreed by chat alone). */
  arrangementNote: z.string().nullable(),
  overdueLevel: z.number(),
  voidReason: z.string().nullable(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

export const invoiceListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(INVOICE_STATUSES).optional(),
  customerId: objectIdSchema.optional(),
  contractId: objectIdSchema.optional(),
  projectId: objectIdSchema.optional(),
  /** Only invoices past their due date with money open. */
  overdue: z.enum(['true', 'false']).optional(),
});
export type InvoiceListQuery = z.infer<typeof invoiceListQuerySchema>;

export const voidInvoiceSchema = z.strictObject({
  reason: z.string().trim().min(1, '请填写作废原因').max(500, '原因最多 500 个字符'),
});
export type VoidInvoiceInput = z.infer<typeof voidInvoiceSchema>;

export const requestFapiaoSchema = z.strictObject({
  title: verbatimTextSchema('发票抬头').min(1, '请填写发票抬头').max(100, '发票抬头最多 100 个字符'),
  taxId: z.string().trim().max(30, '税号最多 30 个字符').default(''),
});
export type RequestFapiaoInput = z.infer<typeof requestFapiaoSchema>;

export const issueFapiaoSchema = z.strictObject({
  number: z.string().trim().min(1, '请填写发票号码').max(40, '发票号码最多 40 个字符'),
  issuedDate: calendarDateSchema,
});
export type IssueFapiaoInput = z.infer<typeof issueFapiaoSchema>;

// ---------------------------------------------------------------------------------------------
// Receivables (finance)

export const AGING_BUCKETS = ['current', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export const AGING_BUCKET_LABELS: Record<AgingBucket, string> = {
  current: '未到期',
  d0_30: '逾期 0–30 天',
  d31_60: '逾期 31–60 天',
  d61_90: '逾期 61–90 天',
  d90_plus: '逾期 90 天以上',
};

export const receivablesQuerySchema = z.strictObject({
  /** Defaults to today (Asia/Shanghai). */
  asOf: calendarDateSchema.optional(),
});
export type ReceivablesQuery = z.infer<typeof receivablesQuerySchema>;

const bucketsSchema = z.object({
  current: z.number(),
  d0_30: z.number(),
  d31_60: z.number(),
  d61_90: z.number(),
  d90_plus: z.number(),
  total: z.number(),
});
export type AgingBuckets = z.infer<typeof bucketsSchema>;

export const receivablesSchema = z.object({
  asOf: z.string(),
  totals: bucketsSchema,
  customers: z.array(
    bucketsSchema.extend({
      customerId: z.string(),
      customerName: z.string().nullable(),
      invoiceCount: z.number(),
    }),
  ),
});
export type Receivables = z.infer<typeof receivablesSchema>;

export const invoicePageSchema = z.object({
  items: z.array(invoiceSchema),
  nextCursor: z.string().nullable(),
});
