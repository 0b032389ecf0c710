import { z } from 'zod';
import { inviteResultSchema, objectIdSchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { InviteService } from './invite.service';

export function inviteRoutes(invites: InviteService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/customers/:id/invites',
      summary: 'Create a single-use invite code (and QR code) that binds a WeChat account to this customer',
      tags: ['auth', 'customers'],
      auth: 'staff',
      params: z.object({ id: objectIdSchema }),
      response: inviteResultSchema,
      status: 201,
      handler: ({ params, actor, ctx }) => invites.create(actor, params.id, ctx.state.requestId),
    }),
  ];
}
