import { z } from 'zod';
import {
  closeFollowUpSchema,
  followUpListQuerySchema,
  followUpPageSchema,
  followUpTaskSchema,
  objectIdSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { FollowUpService } from './follow-up.service';

const tags = ['ratings'];

export function followUpRoutes(followUps: FollowUpService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/follow-up-tasks',
      summary:
        'Follow-up tasks opened by low ratings: a PM sees theirs, admins and service all (filters: status, project)',
      tags,
      auth: ['admin', 'service', 'pm'],
      query: followUpListQuerySchema,
      response: followUpPageSchema,
      handler: ({ query, actor }) => followUps.list(actor, query),
    }),
    defineRoute({
      method: 'post',
      path: '/follow-up-tasks/:id/close',
      summary: 'Close a follow-up task with what came of it',
      tags,
      auth: ['admin', 'service', 'pm'],
      params: z.object({ id: objectIdSchema }),
      body: closeFollowUpSchema,
      response: followUpTaskSchema,
      handler: ({ params, body, actor, ctx }) => followUps.close(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
