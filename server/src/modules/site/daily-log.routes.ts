import { z } from 'zod';
import {
  createDailyLogSchema,
  dailyLogListQuerySchema,
  dailyLogPageSchema,
  dailyLogSchema,
  objectIdSchema,
  updateDailyLogSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { DailyLogService } from './daily-log.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['site'];

export function dailyLogRoutes(logs: DailyLogService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/projects/:id/daily-logs',
      summary:
        "Write today's site daily log (PM or engineer on the project; one per person per day, 409 otherwise)",
      tags,
      auth: ['pm', 'engineer'],
      params: idParams,
      body: createDailyLogSchema,
      response: dailyLogSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => logs.create(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/daily-logs',
      summary: "A project's daily logs, newest first (customers: customer-visible ones only)",
      tags,
      auth: 'any',
      params: idParams,
      query: dailyLogListQuerySchema,
      response: dailyLogPageSchema,
      handler: ({ params, query, actor }) => logs.list(actor, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/daily-logs/:id',
      summary: 'One daily log (404 when its project or, for customers, the log itself is not visible)',
      tags,
      auth: 'any',
      params: idParams,
      response: dailyLogSchema,
      handler: ({ params, actor }) => logs.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/daily-logs/:id',
      summary: "Edit a daily log: its author, on the log's own day only (409 afterwards)",
      tags,
      auth: ['pm', 'engineer'],
      params: idParams,
      body: updateDailyLogSchema,
      response: dailyLogSchema,
      handler: ({ params, body, actor, ctx }) => logs.update(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
