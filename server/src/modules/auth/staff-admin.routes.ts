import { z } from 'zod';
import {
  createStaffSchema,
  objectIdSchema,
  staffListQuerySchema,
  staffMemberSchema,
  updateStaffSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { StaffAdminService } from './staff-admin.service';

const idParams = z.object({ id: objectIdSchema });

export function staffAdminRoutes(staff: StaffAdminService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/admin/users',
      summary: 'Create a staff account (optionally with the active staff user it reports to)',
      tags: ['admin'],
      auth: ['admin'],
      body: createStaffSchema,
      response: staffMemberSchema,
      status: 201,
      handler: ({ body, actor, ctx }) => staff.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/users',
      summary: 'List staff accounts with their managers (cursor-paginated, newest first)',
      tags: ['admin'],
      auth: ['admin'],
      query: staffListQuerySchema,
      response: z.object({ items: z.array(staffMemberSchema), nextCursor: z.string().nullable() }),
      handler: ({ query }) => staff.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/users/:id',
      summary: 'One staff account with its manager (for the admin edit form)',
      tags: ['admin'],
      auth: ['admin'],
      params: idParams,
      response: staffMemberSchema,
      handler: ({ params }) => staff.get(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/users/:id',
      summary:
        'Change a staff account’s role, name or manager (no self, inactive or circular managers), or deactivate it (revokes its tokens at once)',
      tags: ['admin'],
      auth: ['admin'],
      params: idParams,
      body: updateStaffSchema,
      response: staffMemberSchema,
      handler: ({ params, body, actor, ctx }) => staff.update(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
