import { z } from 'zod';
import {
  cursorQuerySchema,
  objectIdSchema,
  projectIdParamsSchema,
  weeklyReportPageSchema,
  weeklyReportSchema,
  weeklyReportSettingsSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { WeeklyReportService } from './weekly-report.service';

const tags = ['weekly-reports'];
const idParams = z.strictObject({ id: objectIdSchema });

export function weeklyReportRoutes(reports: WeeklyReportService): AnyRoute[] {
  return [
    // Before `/weekly-reports/:id`, which would otherwise take "settings" for an id.
    defineRoute({
      method: 'get',
      path: '/weekly-reports/settings',
      summary: "The PM's weekly report setting (auto-send or review first)",
      tags,
      auth: ['pm'],
      response: weeklyReportSettingsSchema,
      handler: ({ actor }) => reports.settings(actor),
    }),
    defineRoute({
      method: 'put',
      path: '/weekly-reports/settings',
      summary: "Opt in or out of sending the PM's weekly reports automatically",
      tags,
      auth: ['pm'],
      body: weeklyReportSettingsSchema,
      response: weeklyReportSettingsSchema,
      handler: ({ actor, body, ctx }) => reports.updateSettings(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/weekly-reports',
      summary: "The project's weekly reports, newest first (customers: sent ones only)",
      tags,
      auth: 'any',
      params: projectIdParamsSchema,
      query: cursorQuerySchema,
      response: weeklyReportPageSchema,
      handler: ({ params, query, actor }) => reports.list(actor, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/weekly-reports/:id',
      summary: 'One weekly report with its photos',
      tags,
      auth: 'any',
      params: idParams,
      response: weeklyReportSchema,
      handler: ({ params, actor }) => reports.get(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/weekly-reports/:id/send',
      summary: 'Send a draft report to the customer (the project PM or an admin; repeat-safe)',
      tags,
      auth: ['pm', 'admin'],
      params: idParams,
      response: weeklyReportSchema,
      handler: ({ params, actor, ctx }) => reports.send(actor, params.id, ctx.state.requestId),
    }),
  ];
}
