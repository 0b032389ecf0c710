import { z } from 'zod';
import {
  acknowledgeComplaintSchema,
  complaintListQuerySchema,
  complaintPageSchema,
  complaintSchema,
  createComplaintSchema,
  feedbackReopenSchema,
  objectIdSchema,
  resolveComplaintSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ComplaintService } from './complaint.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['complaints'];
/** Staff who handle complaints (the service also requires a PM to manage the project). */
const HANDLERS = ['admin', 'service', 'pm'] as const;

export function complaintRoutes(complaints: ComplaintService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/complaints',
      summary: 'Raise a complaint about a project (a customer for their own, or staff logging one for them)',
      tags,
      auth: 'any',
      body: createComplaintSchema,
      response: complaintSchema,
      status: 201,
      handler: ({ body, actor, ctx }) => complaints.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/complaints',
      summary: 'Complaints the caller may see, newest first (filters: status, project, overdue)',
      tags,
      auth: 'any',
      query: complaintListQuerySchema,
      response: complaintPageSchema,
      handler: ({ query, actor }) => complaints.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/complaints/:id',
      summary: 'One complaint with its deadlines, escalations and photos',
      tags,
      auth: 'any',
      params: idParams,
      response: complaintSchema,
      handler: ({ params, actor }) => complaints.get(actor, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:id/acknowledge',
      summary: 'Acknowledge an open complaint (the first response: stops the response clock)',
      tags,
      auth: HANDLERS,
      params: idParams,
      body: acknowledgeComplaintSchema,
      response: complaintSchema,
      handler: ({ params, body, actor, ctx }) =>
        complaints.acknowledge(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:id/resolve',
      summary: 'Record the resolution (with photos); the customer then accepts or reopens it',
      tags,
      auth: HANDLERS,
      params: idParams,
      body: resolveComplaintSchema,
      response: complaintSchema,
      handler: ({ params, body, actor, ctx }) =>
        complaints.resolve(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:id/accept',
      summary: 'The customer accepts the resolution: the complaint is closed',
      tags,
      auth: ['customer'],
      params: idParams,
      response: complaintSchema,
      handler: ({ params, actor, ctx }) => complaints.accept(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:id/reopen',
      summary: 'The customer reopens a resolved complaint with a reason (new deadlines)',
      tags,
      auth: ['customer'],
      params: idParams,
      body: feedbackReopenSchema,
      response: complaintSchema,
      handler: ({ params, body, actor, ctx }) =>
        complaints.reopen(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
