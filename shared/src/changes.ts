import { z } from 'zod';
import { objectIdSchema } from './auth';
import { fileIdsSchema, fileRefSchema } from './files';
import { calendarDateSchema } from './dates';

// ---------------------------------------------------------------------------------------------
// Change requests: status machine

export const CHANGE_REQUEST_STATUSES = [
  'submitted',
  'under_review',
  'quoted',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

export const CHANGE_REQUEST_STATUS_LABELS: Record<ChangeRequestStatus, string> = {
  submitted: '已提交',
  under_review: '评估中',
  quoted: '已报价待确认',
  approved: '已批准',
  rejected: '已拒绝',
  expired: '报价已过期',
  withdrawn: '已撤回',
};

/**
 * submitted → under_review (staff acknowledge) → quoted → approved | rejected (the customer) |
 * expired (the quote's validity ran out). The requester may withdraw before a decision.
 * quoted → quoted is a revised quote (the PM corrects it before the customer decides; the quote
 * version goes up and a decision may name the version it answers). The four outcomes are final.
 */
export const CHANGE_REQUEST_TRANSITIONS: Readonly<
  Record<ChangeRequestStatus, readonly ChangeRequestStatus[]>
> = {
  submitted: ['under_review', 'withdrawn'],
  under_review: ['quoted', 'withdrawn'],
  quoted: ['quoted', 'approved', 'rejected', 'expired', 'withdrawn'],
  approved: [],
  rejected: [],
  expired: [],
  withdrawn: [],
};

export function canMoveChangeRequest(from: ChangeRequestStatus, to: ChangeRequestStatus): boolean {
  return CHANGE_REQUEST_TRANSITIONS[from].includes(to);
}

/** The final statuses; each is reached through one outcome record per change request. */
export const CHANGE_REQUEST_OUTCOMES = ['approved', 'rejected', 'expired', 'withdrawn'] as const;
export type ChangeRequestOutcome = (typeof CHANGE_REQUEST_OUTCOMES)[number];

// ---------------------------------------------------------------------------------------------
// Inputs

const textSchema = (max: number, label: string) =>
  z.string().trim().min(1, `请填写${label}`).max(max, `${label}最多 ${max} 字`);

export const createChangeRequestSchema = z.strictObject({
  title: textSchema(100, '变更标题'),
  description: textSchema(2000, '变更内容'),
  photoIds: fileIdsSchema.default([]),
  /** When the customer would like the change done (a calendar date). */
  wishedDate: calendarDateSchema.optional(),
});
export type CreateChangeRequestInput = z.output<typeof createChangeRequestSchema>;

export const acknowledgeChangeRequestSchema = z.strictObject({
  note: z.string().trim().max(500).optional(),
});
export type AcknowledgeChangeRequestInput = z.output<typeof acknowledgeChangeRequestSchema>;

/** Money in integer fen (a reduction is negative); ±1 亿元 and ±3 years bound typing mistakes. */
export const quoteChangeRequestSchema = z.strictObject({
  costDelta: z
    .number({ error: '请填写费用变化（分）' })
    .int('费用须为整数（分）')
    .min(-10_000_000_000, '费用变化过大')
    .max(10_000_000_000, '费用变化过大'),
  scheduleDeltaDays: z
    .number({ error: '请填写工期变化（天）' })
    .int('工期变化须为整数天')
    .min(-1095, '工期变化过大')
    .max(1095, '工期变化过大'),
  note: z.string().trim().max(2000).default(''),
  /** The quote holds through the end of this day (Asia/Shanghai). */
  validUntil: calendarDateSchema,
  /** The first milestone the schedule change moves (it and every later one); all open ones if absent. */
  affectedFromMilestoneId: objectIdSchema.optional(),
});
export type QuoteChangeRequestInput = z.output<typeof quoteChangeRequestSchema>;

export const changeDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: '请选择批准或拒绝' }),
  comment: z.string().trim().max(1000).default(''),
  /** The quote version the customer saw; a decision on an older version is refused (409). */
  quoteVersion: z.number().int().min(1).optional(),
});
export type ChangeDecisionInput = z.output<typeof changeDecisionSchema>;

export const withdrawChangeRequestSchema = z.strictObject({
  reason: z.string().trim().max(500).default(''),
});
export type WithdrawChangeRequestInput = z.output<typeof withdrawChangeRequestSchema>;

export const changeRequestListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(CHANGE_REQUEST_STATUSES).optional(),
});
export type ChangeRequestListQuery = z.output<typeof changeRequestListQuerySchema>;

const KNOWN_STATUSES: readonly string[] = CHANGE_REQUEST_STATUSES;

/** `status=submitted,under_review,quoted`: one status or a comma list, each a known one. */
export const changeRequestStatusListSchema = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    const parts = [...new Set(raw.split(',').map((s) => s.trim()))].filter(Boolean);
    const unknown = parts.filter((s) => !KNOWN_STATUSES.includes(s));
    if (parts.length === 0 || unknown.length > 0) {
      const named = unknown.length ? `未知的变更申请状态「${unknown.join('、')}」；` : '状态不能为空；';
      ctx.addIssue({ code: 'custom', message: `${named}可选：${CHANGE_REQUEST_STATUSES.join('、')}` });
      return z.NEVER;
    }
    return parts as ChangeRequestStatus[];
  });

/** The change requests of every project the actor may read (the staff inbox), or of one project. */
export const changeRequestInboxQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: changeRequestStatusListSchema.optional(),
  projectId: objectIdSchema.optional(),
});
export type ChangeRequestInboxQuery = z.output<typeof changeRequestInboxQuerySchema>;

/** The signed contract amount of a project (fen), until contracts own it. */
export const contractAmountSchema = z.strictObject({
  amount: z.number().int('金额须为整数（分）').min(0).max(100_000_000_000),
});
export type ContractAmountInput = z.output<typeof contractAmountSchema>;

// ---------------------------------------------------------------------------------------------
// Views

const personSchema = z.object({ id: z.string(), name: z.string() });

/** What the change does to the contract total and the completion date (null: not known yet). */
export const changeImpactSchema = z.object({
  currentTotal: z.number().int().nullable(),
  newTotal: z.number().int().nullable(),
  /** YYYY-MM-DD */
  currentCompletion: z.string(),
  newCompletion: z.string(),
});
export type ChangeImpact = z.infer<typeof changeImpactSchema>;

export const changeQuoteSchema = z.object({
  version: z.number().int(),
  costDelta: z.number().int(),
  scheduleDeltaDays: z.number().int(),
  note: z.string(),
  validUntil: z.string(),
  /** The quote's validity has passed (the expiry job will close it). */
  expired: z.boolean(),
  affectedFromMilestoneId: z.string().nullable(),
  quotedBy: personSchema,
  quotedAt: z.string(),
});

export const changeOutcomeSchema = z.object({
  outcome: z.enum(CHANGE_REQUEST_OUTCOMES),
  by: personSchema.nullable(),
  at: z.string(),
  comment: z.string(),
  /** The quote version an approval or rejection answered. */
  quoteVersion: z.number().int().nullable(),
  /** Steps of the outcome still to run (a crashed approval shows them until it is finished). */
  effectsPending: z.array(z.string()),
  effectsDone: z.array(z.string()),
});

export const changeRequestSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  customerId: z.string(),
  title: z.string(),
  description: z.string(),
  wishedDate: z.string().nullable(),
  status: z.enum(CHANGE_REQUEST_STATUSES),
  statusLabel: z.string(),
  requestedBy: personSchema.extend({ kind: z.enum(['staff', 'portal']) }),
  submittedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: personSchema.nullable(),
  acknowledgeNote: z.string().nullable(),
  /** Seconds from submission to the staff acknowledgement. */
  firstResponseSeconds: z.number().int().nullable(),
  quote: changeQuoteSchema.nullable(),
  /** Before/after total and completion date: live while quoted, as agreed once decided. */
  impact: changeImpactSchema.nullable(),
  outcome: changeOutcomeSchema.nullable(),
  photos: z.array(fileRefSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChangeRequest = z.infer<typeof changeRequestSchema>;

export const changeRequestPageSchema = z.object({
  items: z.array(changeRequestSchema),
  nextCursor: z.string().nullable(),
});

export const contractAmountViewSchema = z.object({
  projectId: z.string(),
  /** The signed amount in fen (null: not recorded). */
  amount: z.number().int().nullable(),
  /** Signed amount plus approved change deltas. */
  currentTotal: z.number().int().nullable(),
});
export type ContractAmountView = z.infer<typeof contractAmountViewSchema>;
