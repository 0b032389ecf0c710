import { z } from 'zod';
import {
  chatMessageSchema,
  chatPageQuerySchema,
  chatPageSchema,
  chatReadSchema,
  chatUnreadSchema,
  chatUnreadSummarySchema,
  chatWaitQuerySchema,
  objectIdSchema,
  postChatMessageSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ChatReadsService } from './chat-reads.service';
import type { ChatService } from './chat.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['chat'];
/** Finance and sales have no part in the customer conversation; everyone else is checked per project. */
const CHAT_ROLES = ['admin', 'pm', 'engineer', 'service', 'customer'] as const;

export function chatRoutes(chat: ChatService, reads: ChatReadsService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/:id/messages',
      summary: "The project's chat thread, newest first (`before` pages back, `after` catches up)",
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      query: chatPageQuerySchema,
      response: chatPageSchema,
      handler: ({ params, query, actor }) => chat.page(actor, params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:id/messages',
      summary: 'Send a message (text and/or uploaded files) to the project thread',
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      body: postChatMessageSchema,
      response: chatMessageSchema,
      status: 201,
      handler: ({ params, body, actor }) => chat.post(actor, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/messages/wait',
      summary: 'Long poll: answers when messages after `after` exist, or empty after `timeoutMs`',
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      query: chatWaitQuerySchema,
      response: chatPageSchema,
      handler: ({ params, query, actor, ctx }) => {
        const gone = new AbortController();
        ctx.res.once('close', () => gone.abort());
        // A client that left while its session was being checked closed the response already:
        // that `close` came before the listener above, so it is read from the state instead.
        if (ctx.res.destroyed || ctx.req.socket.destroyed) gone.abort();
        return chat.wait(actor, params.id, query, gone.signal);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/messages/unread',
      summary: 'My unread count in the project thread',
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      response: chatUnreadSchema,
      handler: ({ params, actor }) => reads.unread(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:id/messages/read',
      summary: 'Mark the thread read up to a seq (the marker only moves forward)',
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      body: chatReadSchema,
      response: chatUnreadSchema,
      handler: ({ params, body, actor }) => reads.markRead(actor, params.id, body.upTo),
    }),
    defineRoute({
      method: 'get',
      path: '/messages/unread',
      summary: 'Unread counts across my project threads',
      tags,
      auth: CHAT_ROLES,
      response: chatUnreadSummarySchema,
      handler: ({ actor }) => reads.summary(actor),
    }),
    defineRoute({
      method: 'post',
      path: '/messages/:id/retract',
      summary: 'Retract my message within 2 minutes (kept for audit, shown as 消息已撤回)',
      tags,
      auth: CHAT_ROLES,
      params: idParams,
      response: chatMessageSchema,
      handler: ({ params, actor }) => chat.retract(actor, params.id),
    }),
  ];
}
