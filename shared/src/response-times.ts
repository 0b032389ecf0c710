import { z } from 'zod';
import { instantSchema } from './dates';

/** What kind of customer request a response clock measures. */
export const RESPONSE_CLOCK_KINDS = ['change_request', 'complaint', 'repair', 'chat'] as const;
export type ResponseClockKind = (typeof RESPONSE_CLOCK_KINDS)[number];

export const RESPONSE_PERIODS = ['day', 'week', 'month'] as const;
export type ResponsePeriod = (typeof RESPONSE_PERIODS)[number];

/** Longest window one stats request may cover (the computation runs over the matching clocks in memory). */
export const RESPONSE_STATS_MAX_DAYS = 400;

export const responseTimesQuerySchema = z
  .strictObject({
    /** ISO instants; the window is [from, to) on the time the request was raised. Default: the last 30 days. */
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    groupBy: z.enum(['staff', 'period']).default('staff'),
    period: z.enum(RESPONSE_PERIODS).default('week'),
    kind: z.enum(RESPONSE_CLOCK_KINDS).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '起始时间须早于结束时间',
    path: ['from'],
  })
  .refine(
    (q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= RESPONSE_STATS_MAX_DAYS * 86_400_000,
    { message: `时间范围最多 ${RESPONSE_STATS_MAX_DAYS} 天`, path: ['to'] },
  );
export type ResponseTimesQuery = z.infer<typeof responseTimesQuerySchema>;

/** Seconds; null when no answered request falls in the group. */
export const responseStatsSchema = z.object({
  count: z.number().int(),
  avgSeconds: z.number().nullable(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});
export type ResponseStats = z.infer<typeof responseStatsSchema>;

export const responseTimesSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['staff', 'period']),
  period: z.enum(RESPONSE_PERIODS),
  kind: z.enum(RESPONSE_CLOCK_KINDS).nullable(),
  /** How median and p90 are defined, so a reader can recompute them. */
  definition: z.string(),
  overall: responseStatsSchema,
  /** Requests raised in the window that no staff member has answered yet (not part of the statistics). */
  unanswered: z.number().int(),
  groups: z.array(
    responseStatsSchema.extend({
      /** Staff id, or the period start (YYYY-MM-DD for day/week, YYYY-MM for month, Asia/Shanghai). */
      key: z.string(),
      label: z.string(),
    }),
  ),
});
export type ResponseTimes = z.infer<typeof responseTimesSchema>;
