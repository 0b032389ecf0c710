import { z } from 'zod';
import { calendarDateSchema } from './dates';
import { objectIdSchema } from './auth';
import { fileIdsSchema, fileRefSchema } from './files';

// ---------------------------------------------------------------- daily logs

export const WEATHERS = ['sunny', 'cloudy', 'overcast', 'rain', 'snow', 'fog', 'wind'] as const;
export type Weather = (typeof WEATHERS)[number];
export const WEATHER_LABELS: Record<Weather, string> = {
  sunny: '晴',
  cloudy: '多云',
  overcast: '阴',
  rain: '雨',
  snow: '雪',
  fog: '雾',
  wind: '大风',
};

const logFields = {
  weather: z.enum(WEATHERS, { error: '请选择天气' }),
  /** °C, whole degrees. */
  temperature: z.number().int('温度须为整数').min(-50).max(60).nullable(),
  headcount: z.number().int('人数须为整数').min(0, '人数不能为负').max(10_000),
  workDone: z.string().trim().min(1, '请填写今日完成的工作').max(4000, '最多 4000 个字符'),
  problems: z.string().trim().max(4000, '最多 4000 个字符'),
  photoIds: fileIdsSchema,
  customerVisible: z.boolean(),
};

export const createDailyLogSchema = z.strictObject({
  /** Defaults to today (Asia/Shanghai). A past day may be filled in late; a future one may not. */
  date: calendarDateSchema.optional(),
  weather: logFields.weather,
  temperature: logFields.temperature.default(null),
  headcount: logFields.headcount,
  workDone: logFields.workDone,
  problems: logFields.problems.default(''),
  photoIds: logFields.photoIds.default([]),
  customerVisible: logFields.customerVisible.default(false),
});
export type CreateDailyLogInput = z.infer<typeof createDailyLogSchema>;

export const updateDailyLogSchema = z
  .strictObject(logFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');
export type UpdateDailyLogInput = z.infer<typeof updateDailyLogSchema>;

export const dailyLogListQuerySchema = z
  .strictObject({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    from: calendarDateSchema.optional(),
    to: calendarDateSchema.optional(),
    authorId: objectIdSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['from'] });
export type DailyLogListQuery = z.infer<typeof dailyLogListQuerySchema>;

const personSchema = z.object({ id: z.string(), name: z.string() });

export const dailyLogSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  date: z.string(),
  weather: z.enum(WEATHERS),
  weatherLabel: z.string(),
  temperature: z.number().int().nullable(),
  headcount: z.number().int(),
  workDone: z.string(),
  problems: z.string(),
  photos: z.array(fileRefSchema),
  customerVisible: z.boolean(),
  author: personSchema,
  /** True for its author on the log's own day (Asia/Shanghai). */
  editable: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DailyLog = z.infer<typeof dailyLogSchema>;

export const dailyLogPageSchema = z.object({
  items: z.array(dailyLogSchema),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------- site issues

export const SITE_ISSUE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type SiteIssueSeverity = (typeof SITE_ISSUE_SEVERITIES)[number];
export const SITE_ISSUE_SEVERITY_LABELS: Record<SiteIssueSeverity, string> = {
  low: '轻微',
  medium: '一般',
  high: '严重',
  critical: '紧急',
};

export const SITE_ISSUE_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type SiteIssueStatus = (typeof SITE_ISSUE_STATUSES)[number];
export const SITE_ISSUE_STATUS_LABELS: Record<SiteIssueStatus, string> = {
  open: '待处理',
  in_progress: '处理中',
  resolved: '已解决',
  closed: '已关闭',
};

/**
 * open → in_progress → resolved → closed; a resolution that does not hold is reopened
 * (resolved → open). Closed is final: a new problem is a new issue.
 */
export const SITE_ISSUE_TRANSITIONS: Readonly<Record<SiteIssueStatus, readonly SiteIssueStatus[]>> = {
  open: ['in_progress'],
  in_progress: ['resolved'],
  resolved: ['closed', 'open'],
  closed: [],
};

export function canMoveSiteIssue(from: SiteIssueStatus, to: SiteIssueStatus): boolean {
  return SITE_ISSUE_TRANSITIONS[from].includes(to);
}

const issueFields = {
  title: z.string().trim().min(1, '请填写问题标题').max(100, '标题最多 100 个字符'),
  description: z.string().trim().max(4000, '最多 4000 个字符'),
  severity: z.enum(SITE_ISSUE_SEVERITIES, { error: '请选择严重程度' }),
  assigneeId: objectIdSchema.nullable(),
  photoIds: fileIdsSchema,
  customerVisible: z.boolean(),
};

export const createSiteIssueSchema = z.strictObject({
  title: issueFields.title,
  description: issueFields.description.default(''),
  severity: issueFields.severity,
  assigneeId: issueFields.assigneeId.default(null),
  photoIds: issueFields.photoIds.default([]),
  /** Internal unless said otherwise. */
  customerVisible: issueFields.customerVisible.default(false),
});
export type CreateSiteIssueInput = z.infer<typeof createSiteIssueSchema>;

/** Status moves through the action routes, not here. */
export const updateSiteIssueSchema = z
  .strictObject(issueFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, '没有要修改的内容');
export type UpdateSiteIssueInput = z.infer<typeof updateSiteIssueSchema>;

export const resolveSiteIssueSchema = z.strictObject({
  resolution: z.string().trim().min(1, '请填写处理结果').max(4000, '最多 4000 个字符'),
  photoIds: fileIdsSchema.default([]),
});
export type ResolveSiteIssueInput = z.infer<typeof resolveSiteIssueSchema>;

export const reopenSiteIssueSchema = z.strictObject({
  reason: z.string().trim().min(1, '请填写重新打开的原因').max(1000, '最多 1000 个字符'),
});
export type ReopenSiteIssueInput = z.infer<typeof reopenSiteIssueSchema>;

export const siteIssueListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(SITE_ISSUE_STATUSES).optional(),
  severity: z.enum(SITE_ISSUE_SEVERITIES).optional(),
  assigneeId: objectIdSchema.optional(),
});
export type SiteIssueListQuery = z.infer<typeof siteIssueListQuerySchema>;

export const siteIssueSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.enum(SITE_ISSUE_SEVERITIES),
  severityLabel: z.string(),
  status: z.enum(SITE_ISSUE_STATUSES),
  statusLabel: z.string(),
  assignee: personSchema.nullable(),
  reporter: personSchema,
  photos: z.array(fileRefSchema),
  resolution: z
    .object({ note: z.string(), photos: z.array(fileRefSchema), at: z.string(), by: personSchema })
    .nullable(),
  customerVisible: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SiteIssue = z.infer<typeof siteIssueSchema>;

export const siteIssuePageSchema = z.object({
  items: z.array(siteIssueSchema),
  nextCursor: z.string().nullable(),
});
