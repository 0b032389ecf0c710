import { z } from 'zod';
import {
  amendmentPageSchema,
  contractDecisionSchema,
  contractDetailSchema,
  contractListQuerySchema,
  contractPageSchema,
  createContractSchema,
  cursorQuerySchema,
  objectIdSchema,
  updateContractSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ContractAmendments } from './contract-amendment';
import type { ContractApprovalService } from './contract-approval.service';
import type { ContractService } from './contract.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['contracts'];
const drafters = ['admin', 'finance', 'sales'] as const;

export function contractRoutes(
  contracts: ContractService,
  approvals: ContractApprovalService,
  amendments: ContractAmendments,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/contracts',
      summary:
        'Draft a contract with its payment plan (amounts or percentages, the last percentage takes the remainder)',
      tags,
      auth: drafters,
      body: createContractSchema,
      response: contractDetailSchema,
      status: 201,
      handler: ({ body, actor, ctx }) => contracts.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/contracts',
      summary: 'Contracts the caller may read (customers: their active ones), newest first',
      tags,
      auth: 'any',
      query: contractListQuerySchema,
      response: contractPageSchema,
      handler: ({ query, actor }) => contracts.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/contracts/:id',
      summary: 'A contract with its payment plan, approval steps and attachments',
      tags,
      auth: 'any',
      params: idParams,
      response: contractDetailSchema,
      handler: ({ params, actor }) => contracts.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/contracts/:id',
      summary:
        'Edit a draft (or a rejected contract, which returns to draft); a new plan replaces the old one',
      tags,
      auth: drafters,
      params: idParams,
      body: updateContractSchema,
      response: contractDetailSchema,
      handler: ({ params, body, actor, ctx }) =>
        contracts.update(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/contracts/:id/submit',
      summary: 'Submit for approval; the levels that apply (amount / discount thresholds) are fixed now',
      tags,
      auth: drafters,
      params: idParams,
      response: contractDetailSchema,
      handler: ({ params, actor, ctx }) => approvals.submit(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/contracts/:id/decision',
      summary: 'Approve or reject the current approval level with a comment; the last approval activates',
      tags,
      auth: 'staff',
      params: idParams,
      body: contractDecisionSchema,
      response: contractDetailSchema,
      handler: ({ params, body, actor, ctx }) =>
        approvals.decide(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/contracts/:id/amendments',
      summary: 'Amendments from approved change requests (amount and installment before/after), newest first',
      tags,
      auth: 'any',
      params: idParams,
      query: cursorQuerySchema,
      response: amendmentPageSchema,
      handler: ({ params, query, actor }) => amendments.history(actor, params.id, query),
    }),
  ];
}
