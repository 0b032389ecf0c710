import { z } from 'zod';
import { invoiceArrangementSchema, invoiceSchema, objectIdSchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { CustomerModel } from '../crm/customer.model';
import { toInvoice } from './invoice.view';
import type { OverdueService } from './overdue.service';

export function overdueRoutes(overdue: OverdueService, customers: CustomerModel): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/invoices/:id/arrangement',
      summary:
        'Record (or withdraw) a payment arrangement agreed with the customer: pauses overdue escalation',
      tags: ['invoices'],
      auth: ['admin', 'finance'],
      params: z.object({ id: objectIdSchema }),
      body: invoiceArrangementSchema,
      response: invoiceSchema,
      handler: async ({ params, body, actor, ctx }) => {
        const inv = await overdue.setArrangement(actor, params.id, body, ctx.state.requestId);
        const customer = await customers.findById(inv.customerId, { name: 1 }).lean();
        return toInvoice(inv, customer?.name ?? null, await overdue.moneyOf(inv));
      },
    }),
  ];
}
