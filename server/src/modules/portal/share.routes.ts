import { z } from 'zod';
import {
  createdShareSchema,
  createShareSchema,
  cursorQuerySchema,
  objectIdSchema,
  projectIdParamsSchema,
  sharedProgressSchema,
  sharePageSchema,
  shareTokenParamsSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { RedisLimiter } from '../../core/http/rate-limit';
import type { ShareService } from './share.service';

const tags = ['shares'];

export function shareRoutes(shares: ShareService, publicLimiter: RedisLimiter): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/projects/:id/shares',
      summary: "Create an expiring read-only link to the project's progress (the project's customer only)",
      tags,
      auth: ['customer'],
      params: projectIdParamsSchema,
      body: createShareSchema,
      response: createdShareSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => shares.create(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/shares',
      summary: "The project's active share links (customer, the project's PM, admin)",
      tags,
      auth: 'any',
      params: projectIdParamsSchema,
      query: cursorQuerySchema,
      response: sharePageSchema,
      handler: ({ params, query, actor }) => shares.list(actor, params.id, query),
    }),
    defineRoute({
      method: 'delete',
      path: '/shares/:id',
      summary: 'Revoke a share link',
      tags,
      auth: 'any',
      params: z.strictObject({ id: objectIdSchema }),
      status: 204,
      handler: ({ params, actor, ctx }) => shares.revoke(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/shared/:token',
      summary: 'Read a project through a share link, without an account (410 once expired or revoked)',
      tags,
      auth: 'public',
      params: shareTokenParamsSchema,
      query: cursorQuerySchema,
      response: sharedProgressSchema,
      handler: async ({ params, query, ctx }) => {
        // Beyond the global per-IP limit: a link opened by a family is a handful of reads.
        await publicLimiter.hit(ctx.ip);
        return shares.read(params.token, query);
      },
    }),
  ];
}
