import { z } from 'zod';
import {
  customerScoreSchema,
  objectIdSchema,
  scoringModelInputSchema,
  scoringModelSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../../core/http/route';
import type { ScoringService } from './scoring.service';

const tags = ['customers'];

export function scoringRoutes(scoring: ScoringService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/crm/scoring-model',
      summary: 'The customer scoring model in force (factor weights and caps, tier rules)',
      tags,
      auth: 'staff',
      response: scoringModelSchema,
      handler: () => scoring.currentModel(),
    }),
    defineRoute({
      method: 'put',
      path: '/crm/scoring-model',
      summary: 'Save a new version of the scoring model (weights must sum to 100); audited',
      tags,
      auth: ['admin'],
      body: scoringModelInputSchema,
      response: scoringModelSchema,
      handler: ({ body, actor, ctx }) => scoring.updateModel(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/customers/:id/score',
      summary: "A customer's score computed now: every factor's part and the tier rule that applied",
      tags,
      auth: 'staff',
      params: z.object({ id: objectIdSchema }),
      response: customerScoreSchema,
      handler: ({ params, actor }) => scoring.explain(actor, params.id),
    }),
  ];
}
