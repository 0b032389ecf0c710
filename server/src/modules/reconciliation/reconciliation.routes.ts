import { z } from 'zod';
import {
  discrepancyQuerySchema,
  discrepancySchema,
  objectIdSchema,
  reconciliationDetailSchema,
  reconciliationListQuerySchema,
  reconciliationPageSchema,
  reconciliationSchema,
  resolveDiscrepancySchema,
  runReconciliationSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ReconciliationService } from './reconciliation.service';

const tags = ['reconciliation'];
const FINANCE = ['admin', 'finance'] as const;

export function reconciliationRoutes(service: ReconciliationService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/reconciliations',
      summary: 'Daily WeChat Pay reconciliation reports, newest first',
      tags,
      auth: FINANCE,
      query: reconciliationListQuerySchema,
      response: reconciliationPageSchema,
      handler: ({ query }) => service.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/reconciliations/run',
      summary: "Reconcile one day's trade bill now (re-running updates that day's report in place)",
      tags,
      auth: FINANCE,
      body: runReconciliationSchema,
      response: reconciliationSchema,
      handler: ({ body, actor }) => service.run(body.date, actor),
    }),
    defineRoute({
      method: 'get',
      path: '/reconciliations/:id',
      summary: 'One report with its discrepancies (cursor-paginated; filter by kind or resolved)',
      tags,
      auth: FINANCE,
      params: z.object({ id: objectIdSchema }),
      query: discrepancyQuerySchema,
      response: reconciliationDetailSchema,
      handler: ({ params, query }) => service.get(params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/reconciliations/:id/discrepancies/:did/resolve',
      summary: 'Resolve one discrepancy with a note (once; audited)',
      tags,
      auth: FINANCE,
      params: z.object({ id: objectIdSchema, did: objectIdSchema }),
      body: resolveDiscrepancySchema,
      response: discrepancySchema,
      handler: ({ params, body, actor, ctx }) =>
        service.resolve(actor, params.id, params.did, body.note, ctx.state.requestId),
    }),
  ];
}
