import { z } from 'zod';
import { objectIdSchema } from './auth';

export const PROJECT_STATUSES = [
  'planning',
  'active',
  'suspended',
  'completed',
  'warranty',
  'closed',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planning: '筹备中',
  active: '施工中',
  suspended: '暂停',
  completed: '已竣工',
  warranty: '质保期',
  closed: '已关闭',
};

/**
 * Project status moves. A project starts in planning, is built (active, possibly suspended and
 * resumed), completed, kept under warranty and closed. Planning or a suspended project may be
 * closed without completion (cancelled). Closed is final.
 */
export const PROJECT_TRANSITIONS: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  planning: ['active', 'closed'],
  active: ['suspended', 'completed'],
  suspended: ['active', 'closed'],
  completed: ['warranty', 'closed'],
  warranty: ['closed'],
  closed: [],
};

export function canMoveProject(from: ProjectStatus, to: ProjectStatus): boolean {
  return PROJECT_TRANSITIONS[from].includes(to);
}

/** Project types; each has its own milestone template (config `projects.milestoneTemplates`). */
export const PROJECT_TYPES = ['residential', 'commercial', 'public', 'industrial', 'renovation'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const PROJECT_TYPE_LABELS: Record<ProjectType, string> = {
  residential: '住宅',
  commercial: '商业',
  public: '公共建筑',
  industrial: '工业厂房',
  renovation: '装修改造',
};

// ---------------------------------------------------------------------------------------------
// Milestones

export const MILESTONE_STATUSES = [
  'pending',
  'in_progress',
  'awaiting_confirmation',
  'confirmed',
  'rejected',
] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

export const MILESTONE_STATUS_LABELS: Record<MilestoneStatus, string> = {
  pending: '未开始',
  in_progress: '施工中',
  awaiting_confirmation: '待客户确认',
  confirmed: '已确认',
  rejected: '已驳回',
};

/**
 * pending → in_progress → awaiting_confirmation → confirmed; a customer's rejection
 * (awaiting_confirmation → rejected) sends the milestone back to in_progress. Confirmed is final.
 */
export const MILESTONE_TRANSITIONS: Readonly<Record<MilestoneStatus, readonly MilestoneStatus[]>> = {
  pending: ['in_progress'],
  in_progress: ['awaiting_confirmation'],
  awaiting_confirmation: ['confirmed', 'rejected'],
  rejected: ['in_progress'],
  confirmed: [],
};

export function canMoveMilestone(from: MilestoneStatus, to: MilestoneStatus): boolean {
  return MILESTONE_TRANSITIONS[from].includes(to);
}

export const MILESTONE_DECISIONS = ['confirm', 'reject'] as const;
export type MilestoneDecision = (typeof MILESTONE_DECISIONS)[number];

// ---------------------------------------------------------------------------------------------
// Derived numbers (shared so the client and the server agree)

/** A calendar date, YYYY-MM-DD (Asia/Shanghai). */
export const calendarDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式须为 YYYY-MM-DD');

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date | string): string {
  return new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from calendar date `a` to calendar date `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export interface MilestoneProgressInput {
  status: MilestoneStatus;
  weight: number;
  /** Planned finish, YYYY-MM-DD. */
  plannedEnd: string;
  /** Actual finish (the confirmation), YYYY-MM-DD or null. */
  actualEnd: string | null;
}

/** Share of the milestone weight that is confirmed, 0–100 (rounded); 0 without milestones. */
export function projectProgress(milestones: readonly MilestoneProgressInput[]): number {
  const total = milestones.reduce((sum, m) => sum + m.weight, 0);
  if (total <= 0) return 0;
  const done = milestones.filter((m) => m.status === 'confirmed').reduce((sum, m) => sum + m.weight, 0);
  return Math.round((100 * done) / total);
}

/**
 * Schedule variance in days, judged by milestones (positive = late, negative = ahead):
 * the largest delay over the milestones, where
 *  - a confirmed milestone's delay is actualEnd − plannedEnd (negative when finished early);
 *  - an unconfirmed milestone whose plannedEnd is before `today` is late by today − plannedEnd;
 *  - an unconfirmed milestone not yet due counts as 0 (on time so far).
 * So one late milestone makes the project late; a project is "ahead" only when every milestone
 * counted finished early. Null without milestones.
 */
export function scheduleVarianceDays(
  milestones: readonly MilestoneProgressInput[],
  today: string,
): number | null {
  if (milestones.length === 0) return null;
  let worst = -Infinity;
  for (const m of milestones) {
    const delay =
      m.status === 'confirmed' && m.actualEnd
        ? daysBetween(m.plannedEnd, m.actualEnd)
        : Math.max(0, daysBetween(m.plannedEnd, today));
    worst = Math.max(worst, delay);
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Project API

const personSchema = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof personSchema>;

const projectFields = {
  name: z.string().trim().min(1, '请填写项目名称').max(100, '项目名称最多 100 个字符'),
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

/**
 * A photo as the API answers it: the FileRef of shared/src/files.ts (id, signed URLs, …). Kept
 * loose here so this module does not depend on the files module's exact fields.
 */
export const milestonePhotoSchema = z.object({ id: z.string() }).loose();

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
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '驳回须填写原因' });
  });
export type ConfirmMilestoneInput = z.infer<typeof confirmMilestoneSchema>;

export const milestoneEvidenceSchema = z.object({
  round: z.number().int(),
  note: z.string(),
  photos: z.array(milestonePhotoSchema),
  submittedBy: personSchema.nullable(),
  submittedAt: z.string(),
});
export type MilestoneEvidence = z.infer<typeof milestoneEvidenceSchema>;

export const milestoneConfirmationSchema = z.object({
  round: z.number().int(),
  decision: z.enum(MILESTONE_DECISIONS),
  comment: z.string(),
  photos: z.array(milestonePhotoSchema),
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
