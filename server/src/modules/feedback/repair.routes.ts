import { z } from 'zod';
import {
  cancelRepairSchema,
  confirmRepairSchema,
  createRepairSchema,
  feedbackReopenSchema,
  fixRepairSchema,
  objectIdSchema,
  repairListQuerySchema,
  repairPageSchema,
  repairSchema,
  scheduleRepairSchema,
  triageRepairSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { RepairService } from './repair.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['repairs'];
/** Staff who handle repairs (the service also requires a PM or engineer to be on the project). */
const HANDLERS = ['admin', 'service', 'pm', 'engineer'] as const;

/** One staff or customer action on a repair: POST /repairs/:id/<action>. */
function action<B extends z.ZodType | undefined>(
  name: string,
  summary: string,
  auth: readonly ('admin' | 'service' | 'pm' | 'engineer' | 'customer')[],
  body: B,
  run: (
    actor: Parameters<RepairService['get']>[0],
    id: string,
    body: never,
    requestId?: string,
  ) => Promise<unknown>,
): AnyRoute {
  return defineRoute({
    method: 'post',
    path: `/repairs/:id/${name}`,
    summary,
    tags,
    auth,
    params: idParams,
    ...(body ? { body } : {}),
    response: repairSchema,
    handler: ({ params, body: input, actor, ctx }) =>
      run(actor, params.id, input as never, ctx.state.requestId as string | undefined),
  });
}

export function repairRoutes(repairs: RepairService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/projects/:id/repairs',
      summary: 'File a repair request (报修) on a handed-over project; chargeable when outside the warranty',
      tags,
      auth: 'any',
      params: idParams,
      body: createRepairSchema,
      response: repairSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => repairs.file(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/repairs',
      summary: "A project's repair requests, newest first",
      tags,
      auth: 'any',
      params: idParams,
      query: repairListQuerySchema,
      response: repairPageSchema,
      handler: ({ params, query, actor }) => repairs.listOfProject(actor, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/repairs',
      summary: 'Repair requests the caller may see, newest first (filters: status, project, overdue)',
      tags,
      auth: 'any',
      query: repairListQuerySchema,
      response: repairPageSchema,
      handler: ({ query, actor }) => repairs.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/repairs/:id',
      summary: 'One repair request with its deadlines, visit, fix and rating',
      tags,
      auth: 'any',
      params: idParams,
      response: repairSchema,
      handler: ({ params, actor }) => repairs.get(actor, params.id),
    }),
    action(
      'triage',
      'Triage: priority (sets the fix deadline) and assignee; the first response',
      HANDLERS,
      triageRepairSchema,
      (a, id, b, r) => repairs.triage(a, id, b, r),
    ),
    action(
      'schedule',
      'Schedule (or move) the visit; the customer is told the time',
      HANDLERS,
      scheduleRepairSchema,
      (a, id, b, r) => repairs.schedule(a, id, b, r),
    ),
    action('fix', 'Record the fix with a note and photos', HANDLERS, fixRepairSchema, (a, id, b, r) =>
      repairs.fix(a, id, b, r),
    ),
    action(
      'confirm',
      'The customer confirms the fix and rates it 1–5',
      ['customer'],
      confirmRepairSchema,
      (a, id, b, r) => repairs.confirm(a, id, b, r),
    ),
    action(
      'reopen',
      'The customer reopens the fix with a reason (new deadlines)',
      ['customer'],
      feedbackReopenSchema,
      (a, id, b, r) => repairs.reopen(a, id, b, r),
    ),
    action(
      'cancel',
      'Cancel a repair not yet fixed (the customer or staff), with a reason',
      [...HANDLERS, 'customer'],
      cancelRepairSchema,
      (a, id, b, r) => repairs.cancel(a, id, b, r),
    ),
  ];
}
