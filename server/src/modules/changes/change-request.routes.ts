import { z } from 'zod';
import {
  acknowledgeChangeRequestSchema,
  changeDecisionSchema,
  changeRequestInboxQuerySchema,
  changeRequestListQuerySchema,
  changeRequestPageSchema,
  changeRequestSchema,
  contractAmountSchema,
  contractAmountViewSchema,
  createChangeRequestSchema,
  objectIdSchema,
  quoteChangeRequestSchema,
  withdrawChangeRequestSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ChangeDecisionService } from './change-decision.service';
import type { ChangeInboxService } from './change-inbox.service';
import type { ChangeRequestService } from './change-request.service';
import type { ContractAmountService } from './contract-totals';

const idParams = z.object({ id: objectIdSchema });
const tags = ['change requests'];

export function changeRequestRoutes(
  requests: ChangeRequestService,
  decisions: ChangeDecisionService,
  amounts: ContractAmountService,
  inbox: ChangeInboxService,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/change-requests',
      summary:
        'Change requests of every project the caller may read (the staff inbox), oldest first; filter: status (comma list), projectId',
      tags,
      auth: 'any',
      query: changeRequestInboxQuerySchema,
      response: changeRequestPageSchema,
      handler: ({ query, actor }) => inbox.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/change-requests',
      summary: "A project's change requests, newest first (filter: status)",
      tags,
      auth: 'any',
      params: idParams,
      query: changeRequestListQuerySchema,
      response: changeRequestPageSchema,
      handler: ({ params, query, actor }) => requests.list(actor, params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:id/change-requests',
      summary: 'Ask for a change (the customer, or staff on their behalf); the PM is told',
      tags,
      auth: 'any',
      params: idParams,
      body: createChangeRequestSchema,
      response: changeRequestSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => requests.create(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/change-requests/:id',
      summary:
        'One change request with its quote, the before/after total and completion date, and its outcome',
      tags,
      auth: 'any',
      params: idParams,
      response: changeRequestSchema,
      handler: ({ params, actor }) => requests.get(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/change-requests/:id/acknowledge',
      summary: 'Staff take the request under review (the first response: stops the response clock)',
      tags,
      auth: ['admin', 'service', 'pm'],
      params: idParams,
      body: acknowledgeChangeRequestSchema,
      response: changeRequestSchema,
      handler: ({ params, body, actor, ctx }) =>
        requests.acknowledge(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/change-requests/:id/quote',
      summary:
        'Quote (or revise the quote of) a request under review: cost delta in fen, schedule delta in days',
      tags,
      auth: ['admin', 'pm'],
      params: idParams,
      body: quoteChangeRequestSchema,
      response: changeRequestSchema,
      handler: ({ params, body, actor, ctx }) => requests.quote(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/change-requests/:id/withdraw',
      summary: 'The requester withdraws the request before a decision',
      tags,
      auth: 'any',
      params: idParams,
      body: withdrawChangeRequestSchema,
      response: changeRequestSchema,
      handler: ({ params, body, actor, ctx }) =>
        decisions.withdraw(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/change-requests/:id/decision',
      summary:
        'The customer approves or rejects the quote (idempotent; an approval moves the milestone dates and amends the contract)',
      tags,
      auth: ['customer'],
      params: idParams,
      body: changeDecisionSchema,
      response: changeRequestSchema,
      handler: ({ params, body, actor, ctx }) =>
        decisions.decide(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/contract-amount',
      summary: "The project's recorded contract amount and current total with approved changes (fen)",
      tags,
      auth: 'any',
      params: idParams,
      response: contractAmountViewSchema,
      handler: ({ params, actor }) => amounts.get(actor, params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/projects/:id/contract-amount',
      summary: "Record the project's signed contract amount (fen) until contracts own it",
      tags,
      auth: ['admin', 'finance'],
      params: idParams,
      body: contractAmountSchema,
      response: contractAmountViewSchema,
      handler: ({ params, body, actor, ctx }) => amounts.set(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
