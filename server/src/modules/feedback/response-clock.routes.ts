import { responseTimesQuerySchema, responseTimesSchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ResponseClockService } from './response-clock.service';

export function responseClockRoutes(clocks: ResponseClockService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/insights/response-times',
      summary:
        'First-response time of staff to customers (avg, median, p90 in seconds, with counts) per staff member or per period',
      tags: ['insights'],
      auth: ['admin', 'pm', 'service'],
      query: responseTimesQuerySchema,
      response: responseTimesSchema,
      handler: ({ query, actor }) => clocks.stats(actor, query),
    }),
  ];
}
