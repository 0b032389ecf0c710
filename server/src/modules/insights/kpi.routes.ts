import { kpiRecordPageSchema, kpiRecordsQuerySchema, kpiReportSchema, kpisQuerySchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import { agingSheet, attachment, kpiSheets, tablesWorkbook } from './insights.export';
import type { KpiService } from './kpi.service';

const tags = ['insights'];

/** KPIs for admins, finance and managers (staff with direct reports; the service checks). */
export function kpiRoutes(kpis: KpiService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/insights/kpis',
      summary:
        'KPIs (response time, repeat customers, duration vs plan, satisfaction, receivables) with counts and links',
      tags,
      auth: 'staff',
      query: kpisQuerySchema,
      response: kpiReportSchema,
      handler: ({ query, actor }) => kpis.report(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/insights/kpis.xlsx',
      summary: 'The KPI report as an .xlsx (figures per group, aging, trends, funnel)',
      tags,
      auth: 'staff',
      query: kpisQuerySchema,
      handler: async ({ query, actor, ctx }) => {
        const file = await tablesWorkbook(kpiSheets(await kpis.report(actor, query)));
        attachment(ctx, 'kpis.xlsx', '经营指标.xlsx');
        return file;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/insights/receivables-aging.xlsx',
      summary: 'Receivables aging (as of min(to, now)) as an .xlsx',
      tags,
      auth: 'staff',
      query: kpisQuerySchema,
      handler: async ({ query, actor, ctx }) => {
        const file = await tablesWorkbook([agingSheet(await kpis.report(actor, query))]);
        attachment(ctx, 'receivables-aging.xlsx', '应收账龄.xlsx');
        return file;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/insights/records',
      summary: 'The records behind a KPI figure (the link of each figure)',
      tags,
      auth: 'staff',
      query: kpiRecordsQuerySchema,
      response: kpiRecordPageSchema,
      handler: ({ query, actor }) => kpis.records(actor, query),
    }),
  ];
}
