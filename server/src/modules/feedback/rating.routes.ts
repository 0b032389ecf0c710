import { z } from 'zod';
import { objectIdSchema, ratingInputSchema, ratingSchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { RatingService } from './rating.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['ratings'];

export function ratingRoutes(ratings: RatingService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/milestones/:id/rating',
      summary: 'The customer rates a confirmed milestone (rating again within 7 days changes it; 409 after)',
      tags,
      auth: 'any',
      params: idParams,
      body: ratingInputSchema,
      response: ratingSchema,
      handler: ({ params, body, actor, ctx }) =>
        ratings.rateMilestone(actor, params.id, body, 'upsert', ctx.state.requestId),
    }),
    defineRoute({
      method: 'put',
      path: '/milestones/:id/rating',
      summary: "Change the customer's rating of a milestone within 7 days (404 before a rating, 409 after)",
      tags,
      auth: 'any',
      params: idParams,
      body: ratingInputSchema,
      response: ratingSchema,
      handler: ({ params, body, actor, ctx }) =>
        ratings.rateMilestone(actor, params.id, body, 'update', ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/milestones/:id/rating',
      summary: "The customer's rating of a milestone (404 when not rated)",
      tags,
      auth: 'any',
      params: idParams,
      response: ratingSchema,
      handler: ({ params, actor }) => ratings.getMilestoneRating(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:id/rating',
      summary: 'The customer rates the whole project once it is completed (editable for 7 days)',
      tags,
      auth: 'any',
      params: idParams,
      body: ratingInputSchema,
      response: ratingSchema,
      handler: ({ params, body, actor, ctx }) =>
        ratings.rateProject(actor, params.id, body, 'upsert', ctx.state.requestId),
    }),
    defineRoute({
      method: 'put',
      path: '/projects/:id/rating',
      summary: "Change the customer's rating of the project within 7 days",
      tags,
      auth: 'any',
      params: idParams,
      body: ratingInputSchema,
      response: ratingSchema,
      handler: ({ params, body, actor, ctx }) =>
        ratings.rateProject(actor, params.id, body, 'update', ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/rating',
      summary: "The customer's rating of the project (404 when not rated)",
      tags,
      auth: 'any',
      params: idParams,
      response: ratingSchema,
      handler: ({ params, actor }) => ratings.getProjectRating(actor, params.id),
    }),
  ];
}
