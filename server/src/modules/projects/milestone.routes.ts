import { z } from 'zod';
import {
  confirmMilestoneSchema,
  createMilestoneSchema,
  milestoneDecisionResultSchema,
  milestoneDetailSchema,
  milestoneListSchema,
  objectIdSchema,
  submitMilestoneSchema,
  updateMilestoneSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { MilestoneDecisionService } from './milestone-decision.service';
import type { MilestoneService } from './milestone.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['milestones'];

export function milestoneRoutes(
  milestones: MilestoneService,
  decisions: MilestoneDecisionService,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/:id/milestones',
      summary: "A project's milestones in order, each with its current evidence and decision",
      tags,
      auth: 'any',
      params: idParams,
      response: milestoneListSchema,
      handler: ({ params, actor }) => milestones.list(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/projects/:id/milestones',
      summary: 'Add a milestone to a project (its PM or an admin)',
      tags,
      auth: 'any', // the PROJECT policy answers: 404 when unreadable, 403 when not its PM/admin
      params: idParams,
      body: createMilestoneSchema,
      response: milestoneDetailSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) =>
        milestones.create(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/milestones/:id',
      summary: 'A milestone with every submission round and decision',
      tags,
      auth: 'any',
      params: idParams,
      response: milestoneDetailSchema,
      handler: ({ params, actor }) => milestones.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/milestones/:id',
      summary: 'Edit a milestone: name, planned dates, weight, order (its PM or an admin)',
      tags,
      auth: 'any',
      params: idParams,
      body: updateMilestoneSchema,
      response: milestoneDetailSchema,
      handler: ({ params, body, actor, ctx }) =>
        milestones.update(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/milestones/:id/start',
      summary: 'Start work on a milestone (the PM or an engineer on the project)',
      tags,
      auth: 'staff',
      params: idParams,
      response: milestoneDetailSchema,
      handler: ({ params, actor, ctx }) => milestones.start(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/milestones/:id/submit',
      summary: "Submit a milestone with photo evidence for the customer's confirmation",
      tags,
      auth: 'staff',
      params: idParams,
      body: submitMilestoneSchema,
      response: milestoneDetailSchema,
      handler: ({ params, body, actor, ctx }) =>
        milestones.submit(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/milestones/:id/confirm',
      summary:
        "The customer's decision (confirm, or reject with a reason); identical retries answer the same",
      tags,
      auth: ['customer'],
      params: idParams,
      body: confirmMilestoneSchema,
      response: milestoneDecisionResultSchema,
      handler: ({ params, body, actor, ctx }) =>
        decisions.confirm(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
