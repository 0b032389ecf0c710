import { z } from 'zod';
import {
  SUBSCRIBE_MOMENTS,
  grantViewSchema,
  inboxItemSchema,
  inboxQuerySchema,
  noticeAdminQuerySchema,
  noticeViewSchema,
  objectIdSchema,
  preferenceViewSchema,
  preferencesBodySchema,
  subscribeResultsSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { InboxService } from './inbox.service';
import type { OutboxAdminService } from './outbox-admin.service';
import type { PreferenceService } from './preference.service';
import type { SubscriptionService } from './subscription.service';

const idParams = z.object({ id: objectIdSchema });
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const grants = z.object({ templates: z.array(grantViewSchema) });

export interface NotificationRouteServices {
  inbox: InboxService;
  subscriptions: SubscriptionService;
  preferences: PreferenceService;
  outboxAdmin: OutboxAdminService;
}

export function notificationRoutes(s: NotificationRouteServices): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/notifications',
      summary: 'My inbox (cursor-paginated, newest first)',
      tags: ['notifications'],
      auth: 'any',
      query: inboxQuerySchema,
      response: page(inboxItemSchema),
      handler: ({ actor, query }) => s.inbox.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/notifications/unread-count',
      summary: 'Unread inbox items',
      tags: ['notifications'],
      auth: 'any',
      response: z.object({ unread: z.number().int() }),
      handler: async ({ actor }) => ({ unread: await s.inbox.unreadCount(actor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/:id/read',
      summary: 'Mark one item read (idempotent)',
      tags: ['notifications'],
      auth: 'any',
      params: idParams,
      response: inboxItemSchema,
      handler: ({ actor, params }) => s.inbox.markRead(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/read-all',
      summary: 'Mark every item read',
      tags: ['notifications'],
      auth: 'any',
      response: z.object({ marked: z.number().int() }),
      handler: async ({ actor }) => ({ marked: await s.inbox.markAllRead(actor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/subscriptions',
      summary: 'Record the result of wx.requestSubscribeMessage',
      tags: ['notifications'],
      auth: ['customer'],
      body: subscribeResultsSchema,
      response: grants,
      handler: async ({ actor, body }) => ({ templates: await s.subscriptions.record(actor, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/subscriptions',
      summary: 'Templates to ask consent for at a moment, with grants held',
      tags: ['notifications'],
      auth: ['customer'],
      query: z.strictObject({ moment: z.enum(SUBSCRIBE_MOMENTS) }),
      response: grants,
      handler: async ({ actor, query }) => ({
        templates: await s.subscriptions.forMoment(actor, query.moment),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/me/preferences',
      summary: 'My notification preferences',
      tags: ['notifications'],
      auth: 'any',
      response: z.object({ preferences: z.array(preferenceViewSchema) }),
      handler: async ({ actor }) => ({ preferences: await s.preferences.list(actor) }),
    }),
    defineRoute({
      method: 'put',
      path: '/me/preferences',
      summary: 'Change notification preferences',
      tags: ['notifications'],
      auth: 'any',
      body: preferencesBodySchema,
      response: z.object({ preferences: z.array(preferenceViewSchema) }),
      handler: async ({ actor, body }) => ({
        preferences: await s.preferences.save(actor, body.preferences),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/notifications',
      summary: 'Outbox notices by status (dead letters by default)',
      tags: ['admin'],
      auth: ['admin'],
      query: noticeAdminQuerySchema,
      response: page(noticeViewSchema),
      handler: ({ query }) => s.outboxAdmin.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/admin/notifications/:id/retry',
      summary: 'Send a dead or failed notice again',
      tags: ['admin'],
      auth: ['admin'],
      params: idParams,
      response: noticeViewSchema,
      handler: ({ actor, params, ctx }) => s.outboxAdmin.retry(actor, params.id, ctx.state.requestId),
    }),
  ];
}
