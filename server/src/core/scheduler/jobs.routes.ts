import { z } from 'zod';
import {
  jobNameParamsSchema,
  jobRunPageSchema,
  jobRunSchema,
  jobRunsQuerySchema,
  jobSummarySchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../http/route';
import type { Scheduler } from './scheduler';

/** Admin view of the scheduled jobs: what is registered, how its runs went, and a manual trigger. */
export function jobsRoutes(scheduler: Scheduler): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/jobs',
      summary: 'List scheduled jobs with their next run and last run',
      tags: ['admin'],
      auth: ['admin'],
      response: z.object({ items: z.array(jobSummarySchema) }),
      handler: async () => ({ items: await scheduler.list() }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/jobs/:name/runs',
      summary: 'Runs of one job (cursor-paginated, newest first)',
      tags: ['admin'],
      auth: ['admin'],
      params: jobNameParamsSchema,
      query: jobRunsQuerySchema,
      response: jobRunPageSchema,
      handler: ({ params, query }) => scheduler.runs(params.name, query),
    }),
    defineRoute({
      method: 'post',
      path: '/admin/jobs/:name/run',
      summary: 'Run a job now (answers at once with the started run; 409 while it is running)',
      tags: ['admin'],
      auth: ['admin'],
      params: jobNameParamsSchema,
      response: jobRunSchema,
      status: 202,
      handler: ({ params, actor, ctx }) => scheduler.runNow(params.name, actor, ctx.state.requestId),
    }),
  ];
}
