import { z } from 'zod';
import { calendarDateSchema } from './dates';

/** What a bill line (or one of our records) turned out to be against the other side. */
export const DISCREPANCY_KINDS = [
  'missing_ours',
  'missing_bill',
  'amount_mismatch',
  'status_mismatch',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];
export const DISCREPANCY_KIND_LABELS: Record<DiscrepancyKind, string> = {
  missing_ours: '我方无记录',
  missing_bill: '账单无记录',
  amount_mismatch: '金额不一致',
  status_mismatch: '状态不一致',
};

export const RECONCILIATION_STATUSES = ['running', 'completed', 'failed'] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

export const reconciliationCountsSchema = z.object({
  /** Trade lines in the bill (summary rows excluded). */
  billLines: z.number(),
  matched: z.number(),
  missing_ours: z.number(),
  missing_bill: z.number(),
  amount_mismatch: z.number(),
  status_mismatch: z.number(),
});
export type ReconciliationCounts = z.infer<typeof reconciliationCountsSchema>;

export const reconciliationSchema = z.object({
  id: z.string(),
  /** The bill day (Asia/Shanghai). */
  date: z.string(),
  status: z.enum(RECONCILIATION_STATUSES),
  /** True when the bill had no trades that day (WeChat answers NO_STATEMENT_EXIST). */
  emptyBill: z.boolean(),
  hashValue: z.string().nullable(),
  counts: reconciliationCountsSchema,
  /** Fen, from the bill's trade lines: payments settled and refunds paid out. */
  billPaid: z.number(),
  billRefunded: z.number(),
  unresolved: z.number(),
  runs: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Reconciliation = z.infer<typeof reconciliationSchema>;

export const discrepancySchema = z.object({
  id: z.string(),
  kind: z.enum(DISCREPANCY_KINDS),
  subject: z.enum(['payment', 'refund']),
  outTradeNo: z.string(),
  outRefundNo: z.string().nullable(),
  wechatId: z.string().nullable(),
  billAmount: z.number().nullable(),
  ourAmount: z.number().nullable(),
  billStatus: z.string().nullable(),
  ourStatus: z.string().nullable(),
  paymentId: z.string().nullable(),
  refundId: z.string().nullable(),
  invoiceId: z.string().nullable(),
  resolved: z.object({ note: z.string(), by: z.string(), byName: z.string(), at: z.string() }).nullable(),
});
export type Discrepancy = z.infer<typeof discrepancySchema>;

export const reconciliationDetailSchema = reconciliationSchema.extend({
  discrepancies: z.array(discrepancySchema),
  nextCursor: z.string().nullable(),
});
export type ReconciliationDetail = z.infer<typeof reconciliationDetailSchema>;

export const reconciliationPageSchema = z.object({
  items: z.array(reconciliationSchema),
  nextCursor: z.string().nullable(),
});

export const reconciliationListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ReconciliationListQuery = z.infer<typeof reconciliationListQuerySchema>;

export const discrepancyQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  kind: z.enum(DISCREPANCY_KINDS).optional(),
  resolved: z.enum(['true', 'false']).optional(),
});
export type DiscrepancyQuery = z.infer<typeof discrepancyQuerySchema>;

export const runReconciliationSchema = z.strictObject({ date: calendarDateSchema });
export type RunReconciliationInput = z.infer<typeof runReconciliationSchema>;

export const resolveDiscrepancySchema = z.strictObject({
  note: z.string().trim().min(1, '请填写处理说明').max(500, '处理说明最多 500 个字符'),
});
export type ResolveDiscrepancyInput = z.infer<typeof resolveDiscrepancySchema>;

export const invoiceArrangementSchema = z.strictObject({
  agreed: z.boolean(),
  note: z.string().trim().max(500, '说明最多 500 个字符').optional(),
});
export type InvoiceArrangementInput = z.infer<typeof invoiceArrangementSchema>;
