import { z } from 'zod';
import {
  createOpportunitySchema,
  createQuoteSchema,
  funnelQuerySchema,
  funnelSchema,
  moveOpportunityStageSchema,
  objectIdSchema,
  opportunityDetailSchema,
  opportunityListQuerySchema,
  opportunityPageSchema,
  opportunitySchema,
  quoteSchema,
  updateOpportunitySchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { OpportunityService } from './opportunity.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['opportunities'];

export function opportunityRoutes(opportunities: OpportunityService): AnyRoute[] {
  return [
    // Before `/opportunities/:id`, which would otherwise take "funnel" for an id.
    defineRoute({
      method: 'get',
      path: '/opportunities/funnel',
      summary:
        'The sales funnel: count, amount and median days per stage, conversions, signed amount by source',
      tags,
      auth: 'staff',
      query: funnelQuerySchema,
      response: funnelSchema,
      handler: ({ query, actor }) => opportunities.funnel(actor, query),
    }),
    defineRoute({
      method: 'post',
      path: '/opportunities',
      summary: 'Open an opportunity for a customer the caller may change',
      tags,
      auth: ['admin', 'sales'],
      body: createOpportunitySchema,
      response: opportunitySchema,
      status: 201,
      handler: ({ body, actor, ctx }) => opportunities.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/opportunities',
      summary: 'List the opportunities the caller may see (cursor-paginated, newest first)',
      tags,
      auth: 'staff',
      query: opportunityListQuerySchema,
      response: opportunityPageSchema,
      handler: ({ query, actor }) => opportunities.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/opportunities/:id',
      summary: "An opportunity with its stage history, quotes and the customer's past cooperation",
      tags,
      auth: 'staff',
      params: idParams,
      response: opportunityDetailSchema,
      handler: ({ params, actor }) => opportunities.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/opportunities/:id',
      summary: 'Edit an opportunity (stage through /stage, quotes through /quotes)',
      tags,
      auth: ['admin', 'sales'],
      params: idParams,
      body: updateOpportunitySchema,
      response: opportunitySchema,
      handler: ({ params, body, actor, ctx }) =>
        opportunities.update(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/opportunities/:id/stage',
      summary: 'Move an opportunity to another stage (409 CONFLICT for a move the funnel does not allow)',
      tags,
      auth: ['admin', 'sales'],
      params: idParams,
      body: moveOpportunityStageSchema,
      response: opportunitySchema,
      handler: ({ params, body, actor, ctx }) =>
        opportunities.moveStage(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/opportunities/:id/quotes',
      summary: "Add the next quote version; its amount becomes the opportunity's expected amount",
      tags,
      auth: ['admin', 'sales'],
      params: idParams,
      body: createQuoteSchema,
      response: quoteSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) =>
        opportunities.addQuote(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
