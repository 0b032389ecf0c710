import { z } from 'zod';
import { objectIdSchema } from './auth';

export const PAYMENT_STATUSES = ['created', 'paid', 'closed', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  created: '待支付',
  paid: '已支付',
  closed: '已关闭',
  failed: '支付失败',
};

export const REFUND_STATUSES = ['pending_approval', 'processing', 'succeeded', 'failed', 'closed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  pending_approval: '待审批',
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
  closed: '已关闭',
};

/** The Idempotency-Key header: the client makes one per "pay" tap and reuses it on retries. */
export const idempotencyKeySchema = z
  .string({ error: '缺少 Idempotency-Key 请求头' })
  .trim()
  .min(8, 'Idempotency-Key 至少 8 个字符')
  .max(64, 'Idempotency-Key 最多 64 个字符')
  .regex(/^[A-Za-z0-9_\-:.]+$/, 'Idempotency-Key 只能包含字母、数字和 _-:.');

/** What `wx.requestPayment` needs (JSAPI), exactly as WeChat names the fields. */
export const requestPaymentParamsSchema = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.string(),
  paySign: z.string(),
});
export type RequestPaymentParams = z.infer<typeof requestPaymentParamsSchema>;

export const paymentSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  customerId: z.string(),
  amount: z.number(),
  outTradeNo: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  transactionId: z.string().nullable(),
  paidAt: z.string().nullable(),
  refundedAmount: z.number(),
  createdAt: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;

export const createPaymentResultSchema = z.object({
  payment: paymentSchema,
  /** Null when the payment is no longer open (paid or closed): nothing left to pay with it. */
  requestPayment: requestPaymentParamsSchema.nullable(),
});
export type CreatePaymentResult = z.infer<typeof createPaymentResultSchema>;

export const paymentListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  invoiceId: objectIdSchema.optional(),
  customerId: objectIdSchema.optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
});
export type PaymentListQuery = z.infer<typeof paymentListQuerySchema>;

export const paymentPageSchema = z.object({
  items: z.array(paymentSchema),
  nextCursor: z.string().nullable(),
});

export const refundApprovalSchema = z.object({
  by: z.string(),
  byName: z.string(),
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().nullable(),
  at: z.string(),
});

export const refundSchema = z.object({
  id: z.string(),
  paymentId: z.string(),
  invoiceId: z.string(),
  outRefundNo: z.string(),
  amount: z.number(),
  reason: z.string(),
  status: z.enum(REFUND_STATUSES),
  requestedBy: z.string(),
  requestedByName: z.string(),
  needsApproval: z.boolean(),
  approvals: z.array(refundApprovalSchema),
  refundId: z.string().nullable(),
  succeededAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Refund = z.infer<typeof refundSchema>;

export const createRefundSchema = z.strictObject({
  amount: z.number().int('金额必须是整数（分）').positive('退款金额必须大于 0'),
  reason: z.string().trim().min(1, '请填写退款原因').max(80, '退款原因最多 80 个字符'),
});
export type CreateRefundInput = z.infer<typeof createRefundSchema>;

export const refundDecisionSchema = z.strictObject({
  comment: z.string().trim().max(500, '意见最多 500 个字符').optional(),
});
export type RefundDecisionInput = z.infer<typeof refundDecisionSchema>;

export const refundListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  paymentId: objectIdSchema.optional(),
  invoiceId: objectIdSchema.optional(),
  status: z.enum(REFUND_STATUSES).optional(),
});
export type RefundListQuery = z.infer<typeof refundListQuerySchema>;

export const refundPageSchema = z.object({ items: z.array(refundSchema), nextCursor: z.string().nullable() });
