import { z } from 'zod';
import { instantSchema } from './dates';
import { objectIdSchema } from './auth';
import { CUSTOMER_TIERS } from './crm';
import { OPPORTUNITY_STAGES } from './opportunity-stages';

/**
 * Insights: KPIs, customer-health reports, churn risk and anomaly flags.
 *
 * Who may read KPIs: admins and finance see the whole firm; a staff member with direct reports
 * (someone's `managerId`) is a manager and sees their team. There is no team collection: a
 * **team is a manager and the staff whose `managerId` is that manager** (the manager included).
 * Every figure carries `count` (how many records it is based on) and `link` (an API path with filters
 * listing those records: `GET /api/v1/insights/records?...`).
 */

export const INSIGHTS_GROUP_BY = ['owner', 'team', 'projectType'] as const;
export type InsightsGroupBy = (typeof INSIGHTS_GROUP_BY)[number];

/** The longest window one KPI request may cover. */
export const INSIGHTS_MAX_DAYS = 732;

export const kpisQuerySchema = z
  .strictObject({
    /** [from, to); default: the last 90 days. */
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    groupBy: z.enum(INSIGHTS_GROUP_BY).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '起始时间须早于结束时间',
    path: ['from'],
  })
  .refine(
    (q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= INSIGHTS_MAX_DAYS * 86_400_000,
    {
      message: `时间范围最多 ${INSIGHTS_MAX_DAYS} 天`,
      path: ['to'],
    },
  );
export type KpisQuery = z.infer<typeof kpisQuerySchema>;

/** Every figure: the records it rests on and where to list them. */
const basis = { count: z.number().int(), link: z.string() };

export const responseKpiSchema = z.object({
  ...basis,
  avgSeconds: z.number().nullable(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
  /** Raised in the window, not answered yet (not in the figures). */
  unanswered: z.number().int(),
});
export type ResponseKpi = z.infer<typeof responseKpiSchema>;

export const repeatKpiSchema = z.object({
  ...basis,
  /** count = customers who signed a contract in the window; repeat = of those, customers for whom it was their 2nd or later. */
  repeat: z.number().int(),
  /** repeat / count, 0–1, 4 decimals; null when count = 0. */
  rate: z.number().nullable(),
});
export type RepeatKpi = z.infer<typeof repeatKpiSchema>;

export const durationKpiSchema = z.object({
  ...basis,
  /** count = projects completed in the window. Mean of max(0, actual end day − planned end day), 1 decimal. */
  avgDaysOver: z.number().nullable(),
  onTime: z.number().int(),
  /** onTime / count, 0–1, 4 decimals. */
  onTimeShare: z.number().nullable(),
});
export type DurationKpi = z.infer<typeof durationKpiSchema>;

export const satisfactionKpiSchema = z.object({
  ...basis,
  /** Mean overall stars (1–5) of ratings given in the window, 2 decimals. */
  average: z.number().nullable(),
});
export type SatisfactionKpi = z.infer<typeof satisfactionKpiSchema>;

export const AGING_KEYS = ['current', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type AgingKey = (typeof AGING_KEYS)[number];

export const receivablesKpiSchema = z.object({
  ...basis,
  /** As of `to` (like GET /receivables?asOf): invoices open at that instant (issued before it, amounts from the payment ledger). count = open invoices. */
  asOf: z.string(),
  openAmount: z.number().int(),
  overdueAmount: z.number().int(),
  overdueCount: z.number().int(),
  overdueLink: z.string(),
  aging: z.array(
    z.object({ bucket: z.enum(AGING_KEYS), label: z.string(), amount: z.number().int(), ...basis }),
  ),
});
export type ReceivablesKpi = z.infer<typeof receivablesKpiSchema>;

export const funnelStageSchema = z.object({
  stage: z.enum(OPPORTUNITY_STAGES),
  label: z.string(),
  /** Opportunities created in the window now at this stage, and their expected amounts (fen). */
  amount: z.number().int(),
  ...basis,
});

export const kpiFiguresSchema = z.object({
  responseTime: responseKpiSchema,
  repeatCustomers: repeatKpiSchema,
  projectDuration: durationKpiSchema,
  satisfaction: satisfactionKpiSchema,
  receivables: receivablesKpiSchema,
});
export type KpiFigures = z.infer<typeof kpiFiguresSchema>;

export const trendPointSchema = z.object({
  /** YYYY-MM (Asia/Shanghai). */
  month: z.string(),
  value: z.number().nullable(),
  count: z.number().int(),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const kpiReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(INSIGHTS_GROUP_BY).nullable(),
  /** 'firm' or 'team:<managerId>' — what the caller may see. */
  scope: z.string(),
  generatedAt: z.string(),
  /** How each figure is defined, so a reader can recompute it. */
  definitions: z.record(z.string(), z.string()),
  overall: kpiFiguresSchema,
  trends: z.object({
    /** Median response seconds per month. */
    responseMedianSeconds: z.array(trendPointSchema),
    satisfaction: z.array(trendPointSchema),
  }),
  funnel: z.array(funnelStageSchema),
  groups: z.array(kpiFiguresSchema.extend({ key: z.string(), label: z.string() })),
});
export type KpiReport = z.infer<typeof kpiReportSchema>;

/** The records behind a figure (the `link` of each figure points here). */
export const KPI_METRICS = [
  'responseTime',
  'repeatCustomers',
  'projectDuration',
  'satisfaction',
  'receivables',
  'overdue',
  'funnel',
] as const;
export type KpiMetric = (typeof KPI_METRICS)[number];

export const kpiRecordsQuerySchema = z.strictObject({
  metric: z.enum(KPI_METRICS),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  groupBy: z.enum(INSIGHTS_GROUP_BY).optional(),
  /** A group key of `groupBy`. */
  group: z.string().max(100).optional(),
  /** Aging bucket (receivables) or stage (funnel). */
  bucket: z.string().max(40).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type KpiRecordsQuery = z.infer<typeof kpiRecordsQuerySchema>;

export const kpiRecordSchema = z.object({
  kind: z.enum(['response_clock', 'contract', 'project', 'rating', 'invoice', 'opportunity']),
  id: z.string(),
  customerId: z.string().nullable(),
  /** The record's own figure: seconds, days over, stars, open fen, expected fen… */
  value: z.number().nullable(),
  at: z.string().nullable(),
  /** The record's API path. */
  link: z.string(),
});
export type KpiRecord = z.infer<typeof kpiRecordSchema>;
export const kpiRecordPageSchema = z.object({
  total: z.number().int(),
  items: z.array(kpiRecordSchema),
  nextCursor: z.string().nullable(),
});
export type KpiRecordPage = z.infer<typeof kpiRecordPageSchema>;

// ---------------------------------------------------------------------------------------------
// Customer health (weekly per salesperson)

export const healthReportQuerySchema = z.strictObject({
  /** Admins: any owner; others: only themselves. Default: me. */
  ownerId: objectIdSchema.optional(),
});
export type HealthReportQuery = z.infer<typeof healthReportQuerySchema>;

export const healthCustomerSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  score: z.number().nullable(),
  previousScore: z.number().nullable(),
  tier: z.enum(CUSTOMER_TIERS),
  previousTier: z.enum(CUSTOMER_TIERS).nullable(),
  overdueAmount: z.number().int(),
  overdueInvoices: z.number().int(),
  lowRatings: z.array(
    z.object({ ratingId: z.string(), overall: z.number(), at: z.string(), comment: z.string() }),
  ),
  openComplaints: z.number().int(),
  lastContactAt: z.string().nullable(),
  /** No contact in `quietDays` days. */
  quiet: z.boolean(),
  /** Anything in this row that needs the owner's attention. */
  attention: z.boolean(),
});
export type HealthCustomer = z.infer<typeof healthCustomerSchema>;

export const healthReportSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  /** Monday of the report's week (Asia/Shanghai), YYYY-MM-DD. */
  week: z.string(),
  generatedAt: z.string(),
  quietDays: z.number().int(),
  lowRatingMax: z.number().int(),
  summary: z.object({
    customers: z.number().int(),
    tierChanges: z.number().int(),
    overdueAmount: z.number().int(),
    lowRatings: z.number().int(),
    openComplaints: z.number().int(),
    quiet: z.number().int(),
  }),
  customers: z.array(healthCustomerSchema),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

// ---------------------------------------------------------------------------------------------
// Churn risk

export const CHURN_FACTORS = [
  'recencyDays',
  'frequency',
  'monetary',
  'latePayments',
  'avgRating',
  'complaints',
] as const;
export type ChurnFactor = (typeof CHURN_FACTORS)[number];
export const CHURN_FACTOR_LABELS: Record<ChurnFactor, string> = {
  recencyDays: '距上次合作天数',
  frequency: '合同数',
  monetary: '合同总额（元）',
  latePayments: '逾期付款次数',
  avgRating: '平均评分',
  complaints: '投诉数',
};

export const churnModelSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ready'),
    fittedAt: z.string(),
    /** Label definition, threshold and method in words. */
    definition: z.string(),
    labelled: z.number().int(),
    churned: z.number().int(),
    threshold: z.number(),
    intercept: z.number(),
    coefficients: z.array(
      z.object({
        factor: z.enum(CHURN_FACTORS),
        label: z.string(),
        /** On the standardized factor: + raises the risk. */
        coefficient: z.number(),
        mean: z.number(),
        std: z.number(),
      }),
    ),
  }),
  z.object({
    status: z.literal('insufficient_data'),
    fittedAt: z.string().nullable(),
    definition: z.string(),
    reason: z.string(),
    needed: z.number().int(),
    have: z.number().int(),
  }),
]);
export type ChurnModel = z.infer<typeof churnModelSchema>;

export const churnFactorValueSchema = z.object({
  factor: z.enum(CHURN_FACTORS),
  label: z.string(),
  value: z.number(),
  /** coefficient × standardized value (log-odds). */
  contribution: z.number(),
});

export const churnCustomerSchema = z.object({
  customerId: z.string(),
  customerName: z.string(),
  ownerId: z.string().nullable(),
  probability: z.number(),
  flagged: z.boolean(),
  /** Sorted by |contribution|, largest first (top 3). */
  topFactors: z.array(churnFactorValueSchema),
  factors: z.array(churnFactorValueSchema),
  scoredAt: z.string(),
});
export type ChurnCustomer = z.infer<typeof churnCustomerSchema>;

export const churnListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  flagged: z.enum(['true', 'false']).optional(),
});
export type ChurnListQuery = z.infer<typeof churnListQuerySchema>;

export const churnPageSchema = z.object({
  model: churnModelSchema,
  items: z.array(churnCustomerSchema),
  nextCursor: z.string().nullable(),
});
export type ChurnPage = z.infer<typeof churnPageSchema>;

export const customerChurnSchema = z.object({
  model: churnModelSchema,
  /** Null when the model is not ready or the customer has not been scored. */
  customer: churnCustomerSchema.nullable(),
});
export type CustomerChurn = z.infer<typeof customerChurnSchema>;

// ---------------------------------------------------------------------------------------------
// Anomaly flags

export const ANOMALY_SUBJECTS = ['invoice', 'payment', 'refund', 'change_request'] as const;
export type AnomalySubject = (typeof ANOMALY_SUBJECTS)[number];
export const ANOMALY_RULES = [
  'amount_vs_customer',
  'amount_vs_firm',
  'refund_soon_after_payment',
  'change_cost_vs_contract',
] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];
export const ANOMALY_STATUSES = ['open', 'resolved'] as const;
export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];

export const anomalyFlagSchema = z.object({
  id: z.string(),
  subject: z.enum(ANOMALY_SUBJECTS),
  subjectId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  rule: z.enum(ANOMALY_RULES),
  /** In Chinese, with the numbers: what is unusual and against which history. */
  reason: z.string(),
  amount: z.number().int(),
  /** What the amount was compared with (fen / robust z / ratio), null where not applicable. */
  baseline: z.object({
    median: z.number().nullable(),
    mad: z.number().nullable(),
    score: z.number().nullable(),
  }),
  /** 'finance' or 'owner:<staffId>' (risk owner: the customer's owner). */
  assignee: z.string(),
  status: z.enum(ANOMALY_STATUSES),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  resolution: z.string().nullable(),
  link: z.string(),
});
export type AnomalyFlag = z.infer<typeof anomalyFlagSchema>;

export const anomalyListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(ANOMALY_STATUSES).optional(),
  subject: z.enum(ANOMALY_SUBJECTS).optional(),
});
export type AnomalyListQuery = z.infer<typeof anomalyListQuerySchema>;

export const anomalyPageSchema = z.object({
  items: z.array(anomalyFlagSchema),
  nextCursor: z.string().nullable(),
});
export type AnomalyPage = z.infer<typeof anomalyPageSchema>;

export const resolveAnomalySchema = z.strictObject({
  note: z.string().trim().min(1, '请填写处理说明').max(500, '处理说明最多 500 个字符'),
});
export type ResolveAnomalyInput = z.infer<typeof resolveAnomalySchema>;
