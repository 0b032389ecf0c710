import { z } from 'zod';
import {
  anomalyFlagSchema,
  anomalyListQuerySchema,
  anomalyPageSchema,
  churnListQuerySchema,
  churnPageSchema,
  customerChurnSchema,
  healthReportQuerySchema,
  healthReportSchema,
  objectIdSchema,
  resolveAnomalySchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { AnomalyService } from './anomaly.service';
import type { ChurnService } from './churn.service';
import type { HealthReportService } from './health.service';
import { attachment, tablesWorkbook } from './insights.export';

const tags = ['insights'];
const idParams = z.strictObject({ id: objectIdSchema });

/** Health reports, churn risk and anomaly flags (KPIs are in kpi.routes.ts). */
export function insightsRoutes(s: {
  health: HealthReportService;
  churn: ChurnService;
  anomalies: AnomalyService;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/insights/health-report',
      summary: "The latest weekly customer-health report: mine, or any owner's for admins (?ownerId)",
      tags,
      auth: 'staff',
      query: healthReportQuerySchema,
      response: healthReportSchema,
      handler: ({ query, actor }) => s.health.latest(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/insights/churn',
      summary:
        'Churn-risk probabilities with top factors (my customers; admins/finance all), or why there is no model',
      tags,
      auth: 'staff',
      query: churnListQuerySchema,
      response: churnPageSchema,
      handler: ({ query, actor }) => s.churn.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/insights/churn.xlsx',
      summary: 'The churn-risk list (first 100) as an .xlsx',
      tags,
      auth: 'staff',
      query: churnListQuerySchema,
      handler: async ({ query, actor, ctx }) => {
        const page = await s.churn.list(actor, { ...query, limit: 100 });
        const file = await tablesWorkbook([
          {
            name: '流失风险',
            columns: [
              { header: '客户', key: 'name', width: 24 },
              { header: '流失概率', key: 'p' },
              { header: '主要因素', key: 'factors', width: 40 },
            ],
            rows: page.items.map((i) => ({
              name: i.customerName,
              p: i.probability,
              factors: i.topFactors.map((f) => f.label).join('、'),
            })),
          },
        ]);
        attachment(ctx, 'churn.xlsx', '流失风险.xlsx');
        return file;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/customers/:id/churn',
      summary: "A customer's churn-risk probability and contributing factors (or why there is none)",
      tags,
      auth: 'staff',
      params: idParams,
      response: customerChurnSchema,
      handler: ({ params, actor }) => s.churn.forCustomer(actor, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/insights/anomalies',
      summary: 'Anomaly flags (finance/admin: all; others: flags assigned to them)',
      tags,
      auth: 'staff',
      query: anomalyListQuerySchema,
      response: anomalyPageSchema,
      handler: ({ query, actor }) => s.anomalies.list(actor, query),
    }),
    defineRoute({
      method: 'post',
      path: '/insights/anomalies/:id/resolve',
      summary: 'Resolve an anomaly flag with a note (finance/admin, or the owner it was assigned to)',
      tags,
      auth: 'staff',
      params: idParams,
      body: resolveAnomalySchema,
      response: anomalyFlagSchema,
      handler: ({ params, body, actor, ctx }) =>
        s.anomalies.resolve(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
