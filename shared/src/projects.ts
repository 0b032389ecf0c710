import { z } from 'zod';
import { verbatimTextSchema } from './text';
import { calendarDateSchema } from './dates';
import { objectIdSchema } from './auth';
import { fileRefSchema } from './files';
import { MILESTONE_DECISIONS, MILESTONE_STATUSES, PROJECT_STATUSES, PROJECT_TYPES } from './project-status';

export * from './project-status';

// ---------------------------------------------------------------------------------------------
// Project API

const personSchema = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof personSchema>;

const projectFields = {
  name: verbatimTextSchema('项目名称').min(1, '请填写项目名称').max(100, '项目名称最多 100 个字符'),
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{3,32}$/, '项目编号只能包含字母、数字和连字符（3–32 位）'),
  address: z.string().trim().min(1, '请填写项目地址').max(200, '地址最多 200 个字符'),
  engineerIds: z.array(objectIdSchema).max(50, '工程师最多 50 人'),
};

const plannedOrder = (v: { plannedStart?: string; plannedEnd?: string }) =>
  !v.plannedStart || !v.plannedEnd || v.plannedStart <= v.plannedEnd;
const plannedOrderIssue = { path: ['plannedEnd'], message: '计划竣工日期不能早于计划开工日期' };

export const createProjectSchema = z
  .strictObject({
    /** Generated when absent. */
    code: projectFields.code.optional(),
    name: projectFields.name,
    type: z.enum(PROJECT_TYPES),
    customerId: objectIdSchema,
    opportunityId: objectIdSchema.nullable().default(null),
    address: projectFields.address,
    /** Defaults to the caller when the caller is a PM. */
    pmId: objectIdSchema.nullable().optional(),
    engineerIds: projectFields.engineerIds.default([]),
    plannedStart: calendarDateSchema,
    plannedEnd: calendarDateSchema,
  })
  .refine(plannedOrder, plannedOrderIssue);
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z
  .strictObject({
    name: projectFields.name.optional(),
    type: z.enum(PROJECT_TYPES).optional(),
    address: projectFields.address.optional(),
    pmId: objectIdSchema.nullable().optional(),
    engineerIds: projectFields.engineerIds.optional(),
    plannedStart: calendarDateSchema.optional(),
    plannedEnd: calendarDateSchema.optional(),
    /** Moves through PROJECT_TRANSITIONS; entering active sets actualStart, completed sets actualEnd. */
    status: z.enum(PROJECT_STATUSES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少提供一个要修改的字段' })
  .refine(plannedOrder, plannedOrderIssue);
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

export const projectListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(PROJECT_STATUSES).optional(),
  customerId: objectIdSchema.optional(),
});
export type ProjectListQuery = z.infer<typeof projectListQuerySchema>;

export const nextMilestoneSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(MILESTONE_STATUSES),
  plannedEnd: z.string(),
});

export const projectViewSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.enum(PROJECT_TYPES),
  typeLabel: z.string(),
  customer: personSchema,
  opportunityId: z.string().nullable(),
  address: z.string(),
  pm: personSchema.nullable(),
  engineers: z.array(personSchema),
  /** Calendar dates, YYYY-MM-DD. */
  plannedStart: z.string(),
  plannedEnd: z.string(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  status: z.enum(PROJECT_STATUSES),
  statusLabel: z.string(),
  /** 0–100: weighted share of confirmed milestones (projectProgress). */
  progress: z.number().int(),
  /** Days late (+) or ahead (−) judged by milestones (scheduleVarianceDays); null without milestones. */
  scheduleVarianceDays: z.number().int().nullable(),
  nextMilestone: nextMilestoneSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectView = z.infer<typeof projectViewSchema>;

export const projectPageSchema = z.object({
  items: z.array(projectViewSchema),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Milestone API

const milestoneFields = {
  name: z.string().trim().min(1, '请填写节点名称').max(100, '节点名称最多 100 个字符'),
  weight: z.number().int('权重须为整数').min(1, '权重至少为 1').max(100, '权重最多为 100'),
  seq: z.number().int().min(0).max(1000),
};
const photoIdsSchema = z.array(objectIdSchema).max(20, '最多 20 张照片');

export const createMilestoneSchema = z
  .strictObject({
    name: milestoneFields.name,
    plannedStart: calendarDateSchema,
    plannedEnd: calendarDateSchema,
    weight: milestoneFields.weight.default(1),
    /** Position in the project's sequence; appended at the end when absent. */
    seq: milestoneFields.seq.optional(),
  })
  .refine(plannedOrder, { path: ['plannedEnd'], message: '计划完成日期不能早于计划开始日期' });
export type CreateMilestoneInput = z.infer<typeof createMilestoneSchema>;

export const updateMilestoneSchema = z
  .strictObject({
    name: milestoneFields.name.optional(),
    plannedStart: calendarDateSchema.optional(),
    plannedEnd: calendarDateSchema.optional(),
    weight: milestoneFields.weight.optional(),
    seq: milestoneFields.seq.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少提供一个要修改的字段' })
  .refine(plannedOrder, { path: ['plannedEnd'], message: '计划完成日期不能早于计划开始日期' });
export type UpdateMilestoneInput = z.infer<typeof updateMilestoneSchema>;

/** Submission for the customer's confirmation: evidence is required (at least one photo). */
export const submitMilestoneSchema = z.strictObject({
  note: z.string().trim().max(2000, '说明最多 2000 个字符').default(''),
  photoIds: photoIdsSchema.min(1, '请至少上传一张现场照片'),
});
export type SubmitMilestoneInput = z.infer<typeof submitMilestoneSchema>;

export const confirmMilestoneSchema = z
  .strictObject({
    decision: z.enum(MILESTONE_DECISIONS),
    comment: z.string().trim().max(1000, '意见最多 1000 个字符').default(''),
    photoIds: photoIdsSchema.default([]),
    /**
     * The round the customer decides on (MilestoneView.round). Optional; when given, a retry that
     * arrives after the milestone moved on answers that round's decision instead of deciding anew.
     */
    round: z.number().int().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '驳回须填写原因' });
  });
export type ConfirmMilestoneInput = z.infer<typeof confirmMilestoneSchema>;

export const milestoneEvidenceSchema = z.object({
  round: z.number().int(),
  note: z.string(),
  photos: z.array(fileRefSchema),
  submittedBy: personSchema.nullable(),
  submittedAt: z.string(),
});
export type MilestoneEvidence = z.infer<typeof milestoneEvidenceSchema>;

export const milestoneConfirmationSchema = z.object({
  round: z.number().int(),
  decision: z.enum(MILESTONE_DECISIONS),
  comment: z.string(),
  photos: z.array(fileRefSchema),
  /** Null for an automatic confirmation. */
  by: personSchema.nullable(),
  at: z.string(),
  automatic: z.boolean(),
});
export type MilestoneConfirmation = z.infer<typeof milestoneConfirmationSchema>;

export const milestoneViewSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  seq: z.number().int(),
  name: z.string(),
  weight: z.number().int(),
  status: z.enum(MILESTONE_STATUSES),
  statusLabel: z.string(),
  /** Calendar dates, YYYY-MM-DD. */
  plannedStart: z.string(),
  plannedEnd: z.string(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  /** Submission rounds so far (a rejection starts the next one). */
  round: z.number().int(),
  /** The latest submission (current round), null before the first one. */
  evidence: milestoneEvidenceSchema.nullable(),
  /** The latest decision (a rejection stays here while the milestone is reworked). */
  confirmation: milestoneConfirmationSchema.nullable(),
  /** When an awaiting milestone is confirmed automatically (ISO), else null. */
  autoConfirmAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MilestoneView = z.infer<typeof milestoneViewSchema>;

export const milestoneRoundSchema = z.object({
  round: z.number().int(),
  evidence: milestoneEvidenceSchema,
  confirmation: milestoneConfirmationSchema.nullable(),
});
export type MilestoneRound = z.infer<typeof milestoneRoundSchema>;

export const milestoneDetailSchema = milestoneViewSchema.extend({
  /** Every round, oldest first. */
  rounds: z.array(milestoneRoundSchema),
});
export type MilestoneDetail = z.infer<typeof milestoneDetailSchema>;

export const milestoneListSchema = z.object({ items: z.array(milestoneViewSchema) });

/**
 * The answer of POST /milestones/:id/confirm — the same body for every identical retry (no signed
 * URLs in it; GET the milestone for its photos).
 */
export const milestoneDecisionResultSchema = z.object({
  milestoneId: z.string(),
  projectId: z.string(),
  round: z.number().int(),
  decision: z.enum(MILESTONE_DECISIONS),
  /** The milestone's status right after this decision: confirmed, or in_progress after a rejection. */
  status: z.enum(MILESTONE_STATUSES),
  comment: z.string(),
  photoIds: z.array(z.string()),
  by: personSchema.nullable(),
  automatic: z.boolean(),
  at: z.string(),
});
export type MilestoneDecisionResult = z.infer<typeof milestoneDecisionResultSchema>;
