import { z } from 'zod';
import { instantSchema } from './dates';
import { objectIdSchema } from './auth';
import { fileIdsSchema, fileRefSchema } from './files';

// ---------------------------------------------------------------------------------------------
// Deadlines (complaints and repairs share the escalation job)

/** Which deadline of a record ran out: the first staff response, or the resolution (fix). */
export const FEEDBACK_DEADLINE_KINDS = ['response', 'resolution'] as const;
export type FeedbackDeadline = (typeof FEEDBACK_DEADLINE_KINDS)[number];

export const FEEDBACK_DEADLINE_LABELS: Record<FeedbackDeadline, string> = {
  response: '首次响应超时',
  resolution: '处理超时',
};

export const feedbackEscalationSchema = z.object({
  deadline: z.enum(FEEDBACK_DEADLINE_KINDS),
  round: z.number().int(),
  at: z.string(),
  managerId: z.string().nullable(),
});
export type FeedbackEscalation = z.infer<typeof feedbackEscalationSchema>;

/**
 * When staff log something the customer raised earlier (by phone, on site), the deadlines count from
 * that moment, not from the typing. At most 30 days back, never in the future.
 */
const receivedAtSchema = instantSchema
  .refine((v) => Date.parse(v) <= Date.now() + 60_000, '接收时间不能晚于现在')
  .refine((v) => Date.parse(v) >= Date.now() - 30 * 86_400_000, '接收时间不能早于 30 天前');

const textSchema = (max: number, label: string) =>
  z.string().trim().min(1, `请填写${label}`).max(max, `${label}最多 ${max} 字`);

const boolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

// ---------------------------------------------------------------------------------------------
// Complaints

export const COMPLAINT_CATEGORIES = ['quality', 'schedule', 'service', 'safety', 'billing', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_CATEGORY_LABELS: Record<ComplaintCategory, string> = {
  quality: '施工质量',
  schedule: '工期延误',
  service: '服务态度',
  safety: '安全文明施工',
  billing: '费用结算',
  other: '其他',
};

export const COMPLAINT_STATUSES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_STATUS_LABELS: Record<ComplaintStatus, string> = {
  open: '待受理',
  acknowledged: '处理中',
  resolved: '已处理待确认',
  closed: '已关闭',
};

/**
 * open → acknowledged → resolved → closed (the customer accepts the resolution). Staff may resolve
 * an open complaint directly (the resolution is the first response). The customer may reopen a
 * resolved complaint, which starts a new round with new deadlines. Closed is final.
 */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: ['closed', 'open'],
  closed: [],
};

export function canMoveComplaint(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return COMPLAINT_TRANSITIONS[from].includes(to);
}

/** Statuses in which the complaint still counts as open (customer score, resolution deadline). */
export const OPEN_COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['open', 'acknowledged', 'resolved'];

export const createComplaintSchema = z.strictObject({
  projectId: objectIdSchema,
  category: z.enum(COMPLAINT_CATEGORIES, { error: '请选择投诉类别' }),
  description: textSchema(2000, '投诉内容'),
  photoIds: fileIdsSchema.default([]),
  /** Staff only: when the customer actually complained. */
  receivedAt: receivedAtSchema.optional(),
});
export type CreateComplaintInput = z.output<typeof createComplaintSchema>;

export const resolveComplaintSchema = z.strictObject({
  resolution: textSchema(2000, '处理结果'),
  photoIds: fileIdsSchema.default([]),
});
export type ResolveComplaintInput = z.output<typeof resolveComplaintSchema>;

export const acknowledgeComplaintSchema = z.strictObject({ note: z.string().trim().max(500).optional() });
export type AcknowledgeComplaintInput = z.output<typeof acknowledgeComplaintSchema>;

export const feedbackReopenSchema = z.strictObject({ reason: textSchema(1000, '重新打开的原因') });
export type FeedbackReopenInput = z.output<typeof feedbackReopenSchema>;

export const complaintListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(COMPLAINT_STATUSES).optional(),
  projectId: objectIdSchema.optional(),
  overdue: boolQuery,
});
export type ComplaintListQuery = z.output<typeof complaintListQuerySchema>;

const personSchema = z.object({ id: z.string(), name: z.string() });

export const complaintSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  customerId: z.string(),
  category: z.enum(COMPLAINT_CATEGORIES),
  categoryLabel: z.string(),
  description: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  statusLabel: z.string(),
  round: z.number().int(),
  raisedBy: personSchema.extend({ kind: z.enum(['staff', 'portal']) }),
  openedAt: z.string(),
  responseDueAt: z.string(),
  resolutionDueAt: z.string(),
  /** A deadline of the current round has passed without the response / resolution it asks for. */
  overdue: z.boolean(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: personSchema.nullable(),
  acknowledgeNote: z.string().nullable(),
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: personSchema.nullable(),
  closedAt: z.string().nullable(),
  reopenReason: z.string().nullable(),
  escalations: z.array(feedbackEscalationSchema),
  photos: z.array(fileRefSchema),
  resolutionPhotos: z.array(fileRefSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Complaint = z.infer<typeof complaintSchema>;

export const complaintPageSchema = z.object({
  items: z.array(complaintSchema),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Warranty repairs (报修)

export const REPAIR_STATUSES = [
  'submitted',
  'triaged',
  'scheduled',
  'fixed',
  'confirmed',
  'reopened',
  'cancelled',
] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

export const REPAIR_STATUS_LABELS: Record<RepairStatus, string> = {
  submitted: '已提交',
  triaged: '已受理',
  scheduled: '已预约上门',
  fixed: '已维修待确认',
  confirmed: '已确认完成',
  reopened: '客户返修',
  cancelled: '已取消',
};

/**
 * submitted → triaged → scheduled → fixed → confirmed. A visit may be moved (scheduled →
 * scheduled). The customer may reopen a fix (fixed → reopened), after which staff triage or
 * schedule again. Anything not yet fixed may be cancelled. Confirmed and cancelled are final.
 */
export const REPAIR_TRANSITIONS: Readonly<Record<RepairStatus, readonly RepairStatus[]>> = {
  submitted: ['triaged', 'cancelled'],
  triaged: ['scheduled', 'cancelled'],
  scheduled: ['scheduled', 'fixed', 'cancelled'],
  fixed: ['confirmed', 'reopened'],
  reopened: ['triaged', 'scheduled', 'cancelled'],
  confirmed: [],
  cancelled: [],
};

export function canMoveRepair(from: RepairStatus, to: RepairStatus): boolean {
  return REPAIR_TRANSITIONS[from].includes(to);
}

/** Statuses in which the repair is still waiting for its fix (resolution deadline applies). */
export const UNFIXED_REPAIR_STATUSES: readonly RepairStatus[] = [
  'submitted',
  'triaged',
  'scheduled',
  'reopened',
];

export const REPAIR_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type RepairPriority = (typeof REPAIR_PRIORITIES)[number];

export const REPAIR_PRIORITY_LABELS: Record<RepairPriority, string> = {
  low: '低',
  normal: '普通',
  high: '高',
  urgent: '紧急',
};

export const createRepairSchema = z.strictObject({
  description: textSchema(2000, '报修内容'),
  location: textSchema(200, '报修位置'),
  photoIds: fileIdsSchema.default([]),
  /** Staff only: when the customer actually reported it. */
  receivedAt: receivedAtSchema.optional(),
});
export type CreateRepairInput = z.output<typeof createRepairSchema>;

export const triageRepairSchema = z.strictObject({
  priority: z.enum(REPAIR_PRIORITIES, { error: '请选择优先级' }),
  assigneeId: objectIdSchema,
});
export type TriageRepairInput = z.output<typeof triageRepairSchema>;

export const scheduleRepairSchema = z.strictObject({
  visitAt: instantSchema.refine((v) => Date.parse(v) > Date.now() - 3_600_000, '上门时间不能早于现在'),
});
export type ScheduleRepairInput = z.output<typeof scheduleRepairSchema>;

export const fixRepairSchema = z.strictObject({
  note: textSchema(2000, '维修说明'),
  photoIds: fileIdsSchema.default([]),
});
export type FixRepairInput = z.output<typeof fixRepairSchema>;

export const confirmRepairSchema = z.strictObject({
  rating: z.number().int().min(1, '评分为 1–5 分').max(5, '评分为 1–5 分'),
  comment: z.string().trim().max(1000, '评价最多 1000 字').optional(),
});
export type ConfirmRepairInput = z.output<typeof confirmRepairSchema>;

export const cancelRepairSchema = z.strictObject({ reason: textSchema(500, '取消原因') });
export type CancelRepairInput = z.output<typeof cancelRepairSchema>;

export const repairListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(REPAIR_STATUSES).optional(),
  projectId: objectIdSchema.optional(),
  overdue: boolQuery,
});
export type RepairListQuery = z.output<typeof repairListQuerySchema>;

export const repairSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  customerId: z.string(),
  description: z.string(),
  location: z.string(),
  status: z.enum(REPAIR_STATUSES),
  statusLabel: z.string(),
  round: z.number().int(),
  /** Filed after the warranty ended: the repair is paid by the customer. */
  chargeable: z.boolean(),
  warrantyEndsAt: z.string().nullable(),
  raisedBy: personSchema.extend({ kind: z.enum(['staff', 'portal']) }),
  filedAt: z.string(),
  responseDueAt: z.string(),
  resolutionDueAt: z.string(),
  overdue: z.boolean(),
  priority: z.enum(REPAIR_PRIORITIES).nullable(),
  assignee: personSchema.nullable(),
  triagedAt: z.string().nullable(),
  visitAt: z.string().nullable(),
  fixNote: z.string().nullable(),
  fixedAt: z.string().nullable(),
  fixedBy: personSchema.nullable(),
  confirmedAt: z.string().nullable(),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  reopenReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  escalations: z.array(feedbackEscalationSchema),
  photos: z.array(fileRefSchema),
  fixPhotos: z.array(fileRefSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Repair = z.infer<typeof repairSchema>;

export const repairPageSchema = z.object({
  items: z.array(repairSchema),
  nextCursor: z.string().nullable(),
});
