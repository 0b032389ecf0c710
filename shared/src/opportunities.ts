import { z } from 'zod';
import { verbatimTextSchema } from './text';
import { calendarDateSchema, dateOrInstantSchema } from './dates';
import { objectIdSchema } from './auth';
import { CUSTOMER_SOURCES, CUSTOMER_TIERS } from './crm';
import { PROJECT_STATUSES } from './projects';
import { OPPORTUNITY_STAGES } from './opportunity-stages';

export * from './opportunity-stages';

/** Integer fen. */
const amountSchema = z.number().int('金额须为整数（分）').min(0, '金额不能为负').max(1_000_000_000_000);

const fields = {
  name: verbatimTextSchema('商机名称').min(1, '请填写商机名称').max(100, '商机名称最多 100 个字符'),
  expectedAmount: amountSchema,
  expectedCloseDate: calendarDateSchema.nullable(),
  notes: z.string().max(2000, '备注最多 2000 个字符'),
};

export const createOpportunitySchema = z.strictObject({
  customerId: objectIdSchema,
  name: fields.name,
  expectedAmount: fields.expectedAmount.default(0),
  expectedCloseDate: fields.expectedCloseDate.default(null),
  notes: fields.notes.default(''),
});
export type CreateOpportunityInput = z.infer<typeof createOpportunitySchema>;

export const updateOpportunitySchema = z
  .strictObject({
    name: fields.name.optional(),
    expectedAmount: fields.expectedAmount.optional(),
    expectedCloseDate: fields.expectedCloseDate.optional(),
    notes: fields.notes.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少提供一个要修改的字段' });
export type UpdateOpportunityInput = z.infer<typeof updateOpportunitySchema>;

export const moveOpportunityStageSchema = z
  .strictObject({
    stage: z.enum(OPPORTUNITY_STAGES),
    reason: z.string().trim().min(1).max(500, '原因最多 500 个字符').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.stage === 'lost' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: '标记为流失须填写原因' });
  });
export type MoveOpportunityStageInput = z.infer<typeof moveOpportunityStageSchema>;

export const createQuoteSchema = z.strictObject({
  amount: amountSchema,
  note: z.string().max(1000, '说明最多 1000 个字符').default(''),
});
export type CreateQuoteInput = z.infer<typeof createQuoteSchema>;

export const opportunityListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  stage: z.enum(OPPORTUNITY_STAGES).optional(),
  customerId: objectIdSchema.optional(),
  ownerId: objectIdSchema.optional(),
});
export type OpportunityListQuery = z.infer<typeof opportunityListQuerySchema>;

export const opportunitySchema = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  ownerId: z.string().nullable(),
  name: z.string(),
  stage: z.enum(OPPORTUNITY_STAGES),
  lostReason: z.string().nullable(),
  /** Integer fen; follows the latest quote. */
  expectedAmount: z.number().int(),
  expectedCloseDate: z.string().nullable(),
  latestQuoteVersion: z.number().int(),
  notes: z.string(),
  stageEnteredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Opportunity = z.infer<typeof opportunitySchema>;

export const opportunityPageSchema = z.object({
  items: z.array(opportunitySchema),
  nextCursor: z.string().nullable(),
});

export const stageHistoryEntrySchema = z.object({
  from: z.enum(OPPORTUNITY_STAGES).nullable(),
  to: z.enum(OPPORTUNITY_STAGES),
  at: z.string(),
  by: z.string().nullable(),
  reason: z.string().nullable(),
});
export type StageHistoryEntry = z.infer<typeof stageHistoryEntrySchema>;

export const quoteSchema = z.object({
  id: z.string(),
  opportunityId: z.string(),
  version: z.number().int(),
  amount: z.number().int(),
  note: z.string(),
  by: z.string().nullable(),
  createdAt: z.string(),
});
export type Quote = z.infer<typeof quoteSchema>;

export const pastProjectSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  status: z.enum(PROJECT_STATUSES),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  actualEnd: z.string().nullable(),
});
export type PastProject = z.infer<typeof pastProjectSchema>;

/** Change requests of one earlier project; cost (fen) and days are those of approved changes. */
export const pastProjectChangesSchema = z.object({
  projectId: z.string(),
  requests: z.number().int(),
  approved: z.number().int(),
  costDelta: z.number().int(),
  scheduleDeltaDays: z.number().int(),
});
export type PastProjectChanges = z.infer<typeof pastProjectChangesSchema>;

/** A generated risk note: `code` names the rule that produced it, `text` says it in Chinese. */
export const riskNoteSchema = z.object({ code: z.string(), text: z.string() });
export type RiskNote = z.infer<typeof riskNoteSchema>;

export const pastCooperationSchema = z.object({
  /** The customer's most recent projects (at most 20); every figure below covers these projects. */
  projects: z.array(pastProjectSchema),
  /** True when the customer has more projects than those read. */
  projectsTruncated: z.boolean(),
  opportunities: z.object({ won: z.number().int(), lost: z.number().int() }),
  /** How often they changed scope: per project and in total; cost (fen) and days of approved changes. */
  changes: z.object({
    perProject: z.array(pastProjectChangesSchema),
    requests: z.number().int(),
    approved: z.number().int(),
    costDelta: z.number().int(),
    scheduleDeltaDays: z.number().int(),
    /** Change requests per project (one decimal); null without projects. */
    perProjectAverage: z.number().nullable(),
  }),
  /**
   * How they paid (invoices neither draft nor void). Late = paid on a day after the due day, or past
   * the due day with money still open (overdue now). Days are Asia/Shanghai calendar days.
   */
  payments: z.object({
    issued: z.number().int(),
    paid: z.number().int(),
    paidOnTime: z.number().int(),
    paidLate: z.number().int(),
    overdueNow: z.number().int(),
    /** Open fen of the invoices overdue now. */
    overdueAmount: z.number().int(),
    /** Mean days between due day and payment day of the invoices paid late (one decimal); null if none. */
    averageDaysLate: z.number().nullable(),
    /** Late invoices (paid late or overdue now) due in the last 12 months — the risk tier's rule. */
    lateLast12Months: z.number().int(),
  }),
  risk: z.object({
    tier: z.enum(CUSTOMER_TIERS),
    openComplaints: z.number().int(),
    ratings: z.number().int(),
    /** Ratings with an overall of 2 stars or less. */
    lowRatings: z.number().int(),
    /** Mean overall rating (two decimals); null without ratings. */
    averageRating: z.number().nullable(),
    /** The customer's tags that name a risk (欠款, 纠纷, 风险…). */
    riskTags: z.array(z.string()),
    /** The customer's own notes, as the sales owner wrote them. */
    customerNotes: z.string(),
    notes: z.array(riskNoteSchema),
  }),
});
export type PastCooperation = z.infer<typeof pastCooperationSchema>;

export const opportunityDetailSchema = opportunitySchema.extend({
  stageHistory: z.array(stageHistoryEntrySchema),
  quotes: z.array(quoteSchema),
  /** The customer's earlier cooperation: projects, scope changes, payment behaviour and risk notes. */
  pastCooperation: pastCooperationSchema,
});
export type OpportunityDetail = z.infer<typeof opportunityDetailSchema>;

export const funnelQuerySchema = z
  .strictObject({
    /** Opportunities created on or after (ISO date or time). */
    from: dateOrInstantSchema.optional(),
    /** …and before (exclusive). */
    to: dateOrInstantSchema.optional(),
    ownerId: objectIdSchema.optional(),
  })
  .refine((v) => !v.from || !v.to || new Date(v.from) < new Date(v.to), {
    path: ['to'],
    message: '结束时间须晚于开始时间',
  });
export type FunnelQuery = z.infer<typeof funnelQuerySchema>;

export const funnelSchema = z.object({
  /** Opportunities currently in each stage, with their expected amounts (fen). */
  stages: z.array(
    z.object({
      stage: z.enum(OPPORTUNITY_STAGES),
      label: z.string(),
      count: z.number().int(),
      amount: z.number().int(),
      /** Median days spent in the stage by opportunities that left it; null when none did. */
      medianDays: z.number().nullable(),
    }),
  ),
  /** Of the opportunities that reached `from`, the share that reached `to` (0–1; null when none reached `from`). */
  conversions: z.array(
    z.object({
      from: z.enum(OPPORTUNITY_STAGES),
      to: z.enum(OPPORTUNITY_STAGES),
      reachedFrom: z.number().int(),
      reachedTo: z.number().int(),
      rate: z.number().nullable(),
    }),
  ),
  signedBySource: z.array(
    z.object({
      source: z.enum(CUSTOMER_SOURCES),
      label: z.string(),
      count: z.number().int(),
      amount: z.number().int(),
    }),
  ),
  total: z.number().int(),
  /** True when more opportunities matched than the funnel reads (narrow the period). */
  truncated: z.boolean(),
});
export type Funnel = z.infer<typeof funnelSchema>;
