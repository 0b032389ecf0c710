import { z } from 'zod';
import {
  createPaymentResultSchema,
  createRefundSchema,
  idempotencyKeySchema,
  objectIdSchema,
  paymentListQuerySchema,
  paymentPageSchema,
  paymentSchema,
  refundDecisionSchema,
  refundListQuerySchema,
  refundPageSchema,
  refundSchema,
} from '@gantry/shared';
import { ValidationError } from '../../core/errors';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { PaymentService } from './payment.service';
import type { RefundService } from './refund.service';

const idParams = z.object({ id: objectIdSchema });
const finance = ['admin', 'finance'] as const;
/** `refresh=1`: ask WeChat now (the customer's 重新查询), rate-limited per payment. */
const paymentGetQuery = z.object({ refresh: z.enum(['1']).optional() });

function idempotencyKeyOf(header: string): string {
  const parsed = idempotencyKeySchema.safeParse(header || undefined);
  if (parsed.success) return parsed.data;
  throw new ValidationError([
    { path: 'headers.idempotency-key', message: parsed.error.issues[0]?.message ?? '无效的 Idempotency-Key' },
  ]);
}

export function paymentRoutes(payments: PaymentService, refunds: RefundService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/invoices/:id/payments',
      summary:
        'Pay an invoice in WeChat (customer; Idempotency-Key header): the wx.requestPayment parameters',
      tags: ['payments'],
      auth: ['customer'],
      params: idParams,
      response: createPaymentResultSchema,
      handler: ({ params, actor, ctx }) =>
        payments.create(actor, params.id, idempotencyKeyOf(ctx.get('Idempotency-Key')), ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/payments',
      summary: 'Payments (finance: all, filter by invoice/customer/status; customers: their own)',
      tags: ['payments'],
      auth: 'any',
      query: paymentListQuerySchema,
      response: paymentPageSchema,
      handler: ({ query, actor }) => payments.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/payments/:id',
      summary: 'A payment (finance, or the customer who paid); refresh=1 asks WeChat about an open order',
      tags: ['payments'],
      auth: 'any',
      params: idParams,
      query: paymentGetQuery,
      response: paymentSchema,
      handler: ({ params, query, actor }) =>
        payments.get(actor, params.id, { refresh: query.refresh === '1' }),
    }),
    defineRoute({
      method: 'post',
      path: '/payments/:id/cancel',
      summary:
        "The customer's WeChat cancelled or failed the pay sheet: close the order now so the invoice can be paid again",
      tags: ['payments'],
      auth: ['customer'],
      params: idParams,
      response: paymentSchema,
      handler: ({ params, actor, ctx }) => payments.cancel(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/payments/:id/refunds',
      summary:
        'Refund a payment in full or in part (finance); above the threshold a second approver is needed',
      tags: ['refunds'],
      auth: finance,
      params: idParams,
      body: createRefundSchema,
      response: refundSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => refunds.request(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/refunds',
      summary: 'Refunds (finance), filter by payment/invoice/status',
      tags: ['refunds'],
      auth: finance,
      query: refundListQuerySchema,
      response: refundPageSchema,
      handler: ({ query }) => refunds.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/refunds/:id',
      summary: 'A refund with its approvals (finance)',
      tags: ['refunds'],
      auth: finance,
      params: idParams,
      response: refundSchema,
      handler: ({ params }) => refunds.get(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/refunds/:id/approve',
      summary: 'Approve a refund waiting for approval (another finance user or an admin), then send it',
      tags: ['refunds'],
      auth: finance,
      params: idParams,
      body: refundDecisionSchema,
      response: refundSchema,
      handler: ({ params, body, actor, ctx }) => refunds.approve(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/refunds/:id/reject',
      summary: 'Reject a refund waiting for approval',
      tags: ['refunds'],
      auth: finance,
      params: idParams,
      body: refundDecisionSchema,
      response: refundSchema,
      handler: ({ params, body, actor, ctx }) => refunds.reject(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
