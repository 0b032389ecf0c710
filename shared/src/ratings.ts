import { z } from 'zod';
import { objectIdSchema } from './auth';

/** A rating stays editable this long after it was first given. */
export const RATING_EDIT_WINDOW_DAYS = 7;
/** An overall score at or below this opens a follow-up task for the PM and publishes rating.low. */
export const LOW_RATING_MAX = 2;

export const RATING_SUBJECTS = ['milestone', 'project'] as const;
export type RatingSubject = (typeof RATING_SUBJECTS)[number];

export const RATING_DIMENSIONS = ['quality', 'schedule', 'communication', 'tidiness'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];

export const RATING_DIMENSION_LABELS: Record<RatingDimension, string> = {
  quality: '施工质量',
  schedule: '工期',
  communication: '沟通',
  tidiness: '现场整洁',
};

const stars = (label: string) =>
  z
    .number({ error: `请为${label}打分` })
    .int(`${label}须为 1–5 的整数`)
    .min(1, `${label}须为 1–5 的整数`)
    .max(5, `${label}须为 1–5 的整数`);

export const ratingInputSchema = z.strictObject({
  overall: stars('总体评价'),
  quality: stars(RATING_DIMENSION_LABELS.quality),
  schedule: stars(RATING_DIMENSION_LABELS.schedule),
  communication: stars(RATING_DIMENSION_LABELS.communication),
  tidiness: stars(RATING_DIMENSION_LABELS.tidiness),
  comment: z.string().trim().max(1000, '评价最多 1000 字').default(''),
});
export type RatingInput = z.output<typeof ratingInputSchema>;

export const ratingSchema = z.object({
  id: z.string(),
  subject: z.enum(RATING_SUBJECTS),
  subjectId: z.string(),
  projectId: z.string(),
  customerId: z.string(),
  overall: z.number().int(),
  quality: z.number().int(),
  schedule: z.number().int(),
  communication: z.number().int(),
  tidiness: z.number().int(),
  comment: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Until when the customer may still change it. */
  editableUntil: z.string(),
  editable: z.boolean(),
  /** The follow-up task a low rating opened, if any. */
  followUpTaskId: z.string().nullable(),
});
export type Rating = z.infer<typeof ratingSchema>;

// ---------------------------------------------------------------------------------------------
// Follow-up tasks (a low rating asks the PM to call the customer)

export const FOLLOW_UP_STATUSES = ['open', 'closed'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const followUpListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(FOLLOW_UP_STATUSES).optional(),
  projectId: objectIdSchema.optional(),
});
export type FollowUpListQuery = z.output<typeof followUpListQuerySchema>;

export const closeFollowUpSchema = z.strictObject({
  note: z.string().trim().min(1, '请填写回访结果').max(1000),
});
export type CloseFollowUpInput = z.output<typeof closeFollowUpSchema>;

export const followUpTaskSchema = z.object({
  id: z.string(),
  ratingId: z.string(),
  subject: z.enum(RATING_SUBJECTS),
  subjectId: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  customerId: z.string(),
  pmId: z.string().nullable(),
  overall: z.number().int(),
  comment: z.string(),
  status: z.enum(FOLLOW_UP_STATUSES),
  note: z.string().nullable(),
  closedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type FollowUpTask = z.infer<typeof followUpTaskSchema>;

export const followUpPageSchema = z.object({
  items: z.array(followUpTaskSchema),
  nextCursor: z.string().nullable(),
});
