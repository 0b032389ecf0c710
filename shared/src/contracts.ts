import { z } from 'zod';
import { verbatimTextSchema } from './text';
import { calendarDateSchema } from './dates';
import { objectIdSchema } from './auth';
import { fileIdsSchema, fileRefSchema } from './files';

/** Money: integer fen. */
const fenSchema = z.number().int('金额须为整数（分）');

// ---------------------------------------------------------------------------------------------
// Status machine

export const CONTRACT_STATUSES = ['draft', 'pending_approval', 'active', 'rejected'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
export const CONTRACT_STATUS_LABELS: Record<ContractStatus, string> = {
  draft: '草稿',
  pending_approval: '审批中',
  active: '已生效',
  rejected: '已驳回',
};

/** Where the cost delta of an approved change request goes: the last installment, the next one not yet invoiced, or a given seq. */
export const amendmentInstallmentSchema = z.union([
  z.literal('last'),
  z.literal('next_unpaid'),
  z.number().int().min(1),
]);
export type AmendmentInstallmentRule = z.infer<typeof amendmentInstallmentSchema>;

// ---------------------------------------------------------------------------------------------
// Payment plan

export const INSTALLMENT_TRIGGERS = ['signing', 'milestone', 'date'] as const;
export type InstallmentTriggerKind = (typeof INSTALLMENT_TRIGGERS)[number];

export const installmentTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('signing') }),
  z.strictObject({ kind: z.literal('milestone'), milestoneId: objectIdSchema }),
  z.strictObject({ kind: z.literal('date'), date: calendarDateSchema }),
]);
export type InstallmentTrigger = z.infer<typeof installmentTriggerSchema>;

/**
 * One installment of the plan: either a fixed `amount` (fen) or `percentBp` of the contract amount
 * in basis points (1% = 100), never both. Due `dueDays` after its trigger fires.
 */
export const installmentInputSchema = z
  .strictObject({
    name: verbatimTextSchema('款项名称').min(1, '请填写款项名称').max(50, '款项名称最多 50 个字符'),
    amount: fenSchema.min(1, '金额须大于 0').optional(),
    percentBp: z.number().int('比例须以万分之一为单位').min(1).max(10_000).optional(),
    trigger: installmentTriggerSchema,
    dueDays: z.number().int().min(0).max(365).default(15),
  })
  .refine((v) => (v.amount === undefined) !== (v.percentBp === undefined), {
    message: '每期须填写金额或比例之一',
  });
export type InstallmentInput = z.infer<typeof installmentInputSchema>;

export type PlanError = { message: string };

/**
 * The fen amount of every installment. Rule: a percentage installment is `floor(total × bp / 10000)`
 * (rounded down to the fen), except the LAST percentage installment, which takes the remainder so
 * the plan adds up to the contract amount exactly. Valid when fixed amounts plus percentages of the
 * total make exactly the total (checked in integers: fixed × 10000 + Σbp × total = total × 10000).
 */
export function computePlanAmounts(
  total: number,
  plan: Array<Pick<InstallmentInput, 'amount' | 'percentBp'>>,
): number[] | PlanError {
  if (plan.length === 0) return { message: '付款计划至少一期' };
  const fixed = plan.reduce((s, i) => s + (i.amount ?? 0), 0);
  const bp = plan.reduce((s, i) => s + (i.percentBp ?? 0), 0);
  if (fixed * 10_000 + bp * total !== total * 10_000)
    return { message: `付款计划合计（固定金额 ${fixed} 分 + 比例 ${bp / 100}%）须等于合同金额 ${total} 分` };
  let lastPercent = -1;
  plan.forEach((i, idx) => {
    if (i.percentBp !== undefined) lastPercent = idx;
  });
  const amounts = plan.map((i) => i.amount ?? Math.floor((total * (i.percentBp ?? 0)) / 10_000));
  if (lastPercent >= 0) {
    const others = amounts.reduce((s, a, idx) => (idx === lastPercent ? s : s + a), 0);
    amounts[lastPercent] = total - others;
  }
  if (amounts.some((a) => a <= 0)) return { message: '每期金额须大于 0' };
  return amounts;
}

// ---------------------------------------------------------------------------------------------
// Contract API

const contractFields = {
  number: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{3,40}$/, '合同编号只能包含字母、数字和连字符（3–40 位）'),
  customerId: objectIdSchema,
  projectId: objectIdSchema.nullable(),
  opportunityId: objectIdSchema.nullable(),
  amount: fenSchema.min(1, '合同金额须大于 0'),
  /** The list (undiscounted) price, when there is no opportunity quote to compare against. */
  listAmount: fenSchema.min(1).nullable(),
  signedDate: calendarDateSchema,
  terms: z.string().trim().max(20_000, '条款最多 20000 个字符'),
  attachmentIds: fileIdsSchema,
  plan: z.array(installmentInputSchema).min(1, '付款计划至少一期').max(36, '付款计划最多 36 期'),
  amendmentInstallment: amendmentInstallmentSchema,
};

export const createContractSchema = z.strictObject({
  number: contractFields.number,
  customerId: contractFields.customerId,
  projectId: contractFields.projectId.default(null),
  opportunityId: contractFields.opportunityId.default(null),
  amount: contractFields.amount,
  listAmount: contractFields.listAmount.default(null),
  signedDate: contractFields.signedDate,
  terms: contractFields.terms.default(''),
  attachmentIds: contractFields.attachmentIds.default([]),
  plan: contractFields.plan,
  amendmentInstallment: contractFields.amendmentInstallment.default('last'),
});
export type CreateContractInput = z.infer<typeof createContractSchema>;

export const updateContractSchema = z
  .strictObject({
    projectId: contractFields.projectId,
    opportunityId: contractFields.opportunityId,
    amount: contractFields.amount,
    listAmount: contractFields.listAmount,
    signedDate: contractFields.signedDate,
    terms: contractFields.terms,
    attachmentIds: contractFields.attachmentIds,
    plan: contractFields.plan,
    amendmentInstallment: contractFields.amendmentInstallment,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');
export type UpdateContractInput = z.infer<typeof updateContractSchema>;

export const contractListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(CONTRACT_STATUSES).optional(),
  customerId: objectIdSchema.optional(),
  projectId: objectIdSchema.optional(),
});
export type ContractListQuery = z.infer<typeof contractListQuerySchema>;

export const contractDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().trim().max(1000, '意见最多 1000 个字符').default(''),
});
export type ContractDecisionInput = z.infer<typeof contractDecisionSchema>;

const personSchema = z.object({ id: z.string(), name: z.string() });

export const installmentSchema = z.object({
  id: z.string(),
  seq: z.number(),
  name: z.string(),
  amount: z.number(),
  percentBp: z.number().nullable(),
  trigger: z.object({
    kind: z.enum(INSTALLMENT_TRIGGERS),
    milestoneId: z.string().nullable(),
    milestoneName: z.string().nullable(),
    date: z.string().nullable(),
  }),
  dueDays: z.number(),
  invoiceId: z.string().nullable(),
});
export type Installment = z.infer<typeof installmentSchema>;

export const approvalStepSchema = z.object({
  level: z.number(),
  name: z.string(),
  /** Why this level applies, e.g. 金额 ≥ 100 万元. */
  reason: z.string(),
  decision: z.enum(['approve', 'reject']).nullable(),
  comment: z.string().nullable(),
  by: personSchema.nullable(),
  at: z.string().nullable(),
});
export type ApprovalStep = z.infer<typeof approvalStepSchema>;

export const contractSchema = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  projectId: z.string().nullable(),
  opportunityId: z.string().nullable(),
  amount: z.number(),
  originalAmount: z.number(),
  listAmount: z.number().nullable(),
  /** Discount vs the reference price in basis points (0 when there is none). */
  discountBp: z.number(),
  signedDate: z.string(),
  terms: z.string(),
  status: z.enum(CONTRACT_STATUSES),
  amendmentInstallment: amendmentInstallmentSchema,
  activatedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Contract = z.infer<typeof contractSchema>;

export const contractDetailSchema = contractSchema.extend({
  plan: z.array(installmentSchema),
  approval: z.object({ round: z.number(), steps: z.array(approvalStepSchema) }),
  attachments: z.array(fileRefSchema),
});
export type ContractDetail = z.infer<typeof contractDetailSchema>;

export const amendmentSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  changeRequestId: z.string(),
  delta: z.number(),
  amountBefore: z.number(),
  amountAfter: z.number(),
  installmentId: z.string().nullable(),
  installmentSeq: z.number().nullable(),
  installmentBefore: z.number().nullable(),
  installmentAfter: z.number().nullable(),
  note: z.string(),
  at: z.string(),
});
export type Amendment = z.infer<typeof amendmentSchema>;

export const contractPageSchema = z.object({
  items: z.array(contractSchema),
  nextCursor: z.string().nullable(),
});
export const amendmentPageSchema = z.object({
  items: z.array(amendmentSchema),
  nextCursor: z.string().nullable(),
});
