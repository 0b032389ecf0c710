import { z } from 'zod';
import {
  invoiceListQuerySchema,
  invoicePageSchema,
  invoiceSchema,
  issueFapiaoSchema,
  objectIdSchema,
  receivablesQuerySchema,
  receivablesSchema,
  requestFapiaoSchema,
  voidInvoiceSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { InvoiceQueries } from './invoice-query.service';
import type { InvoiceFapiao } from './invoice-fapiao';
import type { InvoiceService } from './invoice.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['invoices'];
const finance = ['admin', 'finance'] as const;

export function invoiceRoutes(
  invoices: InvoiceService,
  fapiao: InvoiceFapiao,
  queries: InvoiceQueries,
): AnyRoute[] {
  const detail = (actor: Parameters<InvoiceQueries['get']>[0], id: string) => queries.get(actor, id);
  return [
    defineRoute({
      method: 'get',
      path: '/invoices',
      summary: 'Invoices the caller may read; filters status, customer, contract, project, overdue',
      tags,
      auth: 'any',
      query: invoiceListQuerySchema,
      response: invoicePageSchema,
      handler: ({ query, actor }) => queries.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/invoices/:id',
      summary: 'An invoice with its open amount and why it is due (which milestone, which installment)',
      tags,
      auth: 'any',
      params: idParams,
      response: invoiceSchema,
      handler: ({ params, actor }) => detail(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/invoices/:id/void',
      summary: 'Void an invoice nothing was paid on (finance), with a reason',
      tags,
      auth: finance,
      params: idParams,
      body: voidInvoiceSchema,
      response: invoiceSchema,
      handler: async ({ params, body, actor, ctx }) => {
        await invoices.void(actor, params.id, body, ctx.state.requestId);
        return detail(actor, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/invoices/:id/fapiao/request',
      summary: 'Ask for a fapiao (title, tax id): none → requested',
      tags,
      auth: ['admin', 'finance', 'customer'],
      params: idParams,
      body: requestFapiaoSchema,
      response: invoiceSchema,
      handler: async ({ params, body, actor, ctx }) => {
        await fapiao.request(actor, params.id, body, ctx.state.requestId);
        return detail(actor, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/invoices/:id/fapiao/issue',
      summary: 'Record the issued fapiao with its number and date: requested → issued',
      tags,
      auth: finance,
      params: idParams,
      body: issueFapiaoSchema,
      response: invoiceSchema,
      handler: async ({ params, body, actor, ctx }) => {
        await fapiao.issue(actor, params.id, body, ctx.state.requestId);
        return detail(actor, params.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/receivables',
      summary: 'Open amounts per customer with aging buckets (0–30, 31–60, 61–90, 90+ days past due)',
      tags,
      auth: finance,
      query: receivablesQuerySchema,
      response: receivablesSchema,
      handler: ({ query, actor }) => queries.receivables(actor, query),
    }),
  ];
}
