import { z } from 'zod';
import {
  assignCustomerSchema,
  createCustomerSchema,
  customerDetailSchema,
  customerListQuerySchema,
  customerPageSchema,
  customerSchema,
  objectIdSchema,
  updateCustomerSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { CustomerService } from './customer.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['customers'];

export function customerRoutes(customers: CustomerService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/customers',
      summary: 'Create a customer (refused with 409 DUPLICATE for a known phone or company name)',
      tags,
      auth: ['admin', 'sales'],
      body: createCustomerSchema,
      response: customerSchema,
      status: 201,
      handler: ({ body, actor, ctx }) => customers.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/customers',
      summary: 'List the customers the caller may see (cursor-paginated, newest first)',
      tags,
      auth: 'staff',
      query: customerListQuerySchema,
      response: customerPageSchema,
      handler: ({ query, actor }) => customers.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/customers/:id',
      summary: 'A customer with its bound WeChat accounts',
      tags,
      auth: 'staff',
      params: idParams,
      response: customerDetailSchema,
      handler: ({ params, actor }) => customers.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/customers/:id',
      summary: 'Edit a customer (ownership changes through claim and assign)',
      tags,
      auth: 'staff',
      params: idParams,
      body: updateCustomerSchema,
      response: customerSchema,
      handler: ({ params, body, actor, ctx }) =>
        customers.update(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/customers/:id/claim',
      summary: 'Take a customer from the shared pool (409 when another salesperson got it first)',
      tags,
      auth: ['sales'],
      params: idParams,
      response: customerSchema,
      handler: ({ params, actor, ctx }) => customers.claim(actor, params.id, ctx.state.requestId),
    }),
    defineRoute({
      method: 'post',
      path: '/customers/:id/assign',
      summary: 'Give a customer to an active salesperson, or back to the pool (ownerId null)',
      tags,
      auth: ['admin'],
      params: idParams,
      body: assignCustomerSchema,
      response: customerSchema,
      handler: ({ params, body, actor, ctx }) =>
        customers.assign(actor, params.id, body.ownerId, ctx.state.requestId),
    }),
  ];
}
