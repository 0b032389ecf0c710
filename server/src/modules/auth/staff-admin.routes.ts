import { z } from 'zod';
import {
  createStaffSchema,
  objectIdSchema,
  resetPasswordSchema,
  staffListQuerySchema,
  staffMemberSchema,
  updateStaffSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { PasswordService } from './password.service';
import type { StaffAdminService } from './staff-admin.service';

const idParams = z.object({ id: objectIdSchema });

export function staffAdminRoutes(staff: StaffAdminService, passwords: PasswordService): AnyRoute[] {
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
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/password',
      summary:
        'Set a new password for another staff account (ends its sessions; it must be changed at the next sign-in)',
      tags: ['admin'],
      auth: ['admin'],
      params: idParams,
      body: resetPasswordSchema,
      status: 204,
      handler: ({ params, body, actor, ctx }) => passwords.reset(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
