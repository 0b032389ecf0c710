import { z } from 'zod';
import { objectIdSchema } from './auth';
import { fileRefSchema } from './files';
import { PROJECT_STATUSES } from './projects';

/**
 * The customer portal around a project: its home, its timeline, the QR code that opens it, share
 * links for people without an account and the weekly report.
 */

// Zod-free, so the client's scan page can import it without zod: re-exported here for the server.
export { PROJECT_HOME_PAGE, parseProjectQr, projectQrText } from './project-qr';

export const timelineItemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  refId: z.string(),
  occurredAt: z.string(),
  customerVisible: z.boolean(),
  title: z.string(),
  summary: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Only the photos the reader may see (customers: customer-visible ones), with signed URLs. */
  photos: z.array(fileRefSchema),
});
export type TimelineItemView = z.infer<typeof timelineItemSchema>;

export const timelinePageSchema = z.object({
  items: z.array(timelineItemSchema),
  nextCursor: z.string().nullable(),
});

export const milestoneBriefSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  plannedEnd: z.string().nullable(),
  actualEnd: z.string().nullable(),
});
export type MilestoneBrief = z.infer<typeof milestoneBriefSchema>;

export const projectHomeSchema = z.object({
  project: z.object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    address: z.string(),
    status: z.enum(PROJECT_STATUSES),
    plannedStart: z.string(),
    plannedEnd: z.string(),
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
  }),
  /** 0–100, from milestones (the projects module's definition). */
  progress: z.number(),
  /** Days late against plan (negative: ahead; null without milestones), the projects module's definition. */
  scheduleVarianceDays: z.number().nullable(),
  nextMilestone: milestoneBriefSchema.nullable(),
  /** Things that wait for someone, counted among what the reader may see. */
  openItems: z.object({ awaitingConfirmation: z.number().int(), openIssues: z.number().int() }),
  latestPhotos: z.array(fileRefSchema),
});
export type ProjectHome = z.infer<typeof projectHomeSchema>;

// ── share links ────────────────────────────────────────────────────────────────────────────

export const createShareSchema = z.strictObject({
  expiresInDays: z.number().int().min(1, '有效期至少 1 天').max(30, '有效期最多 30 天'),
  label: z.string().trim().max(50, '备注最多 50 个字').optional(),
});
export type CreateShareInput = z.infer<typeof createShareSchema>;

export const shareSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  label: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type ShareView = z.infer<typeof shareSchema>;

/** Only the creation answer carries the token: the server keeps nothing but its hash. */
export const createdShareSchema = shareSchema.extend({ token: z.string(), url: z.string() });

export const sharePageSchema = z.object({ items: z.array(shareSchema), nextCursor: z.string().nullable() });

export const shareTokenParamsSchema = z.strictObject({ token: z.string().min(20).max(100) });

/** What a share link shows: customer-visible progress, read-only. */
export const sharedProgressSchema = z.object({
  project: z.object({ name: z.string(), status: z.enum(PROJECT_STATUSES) }),
  progress: z.number(),
  scheduleVarianceDays: z.number().nullable(),
  nextMilestone: milestoneBriefSchema.nullable(),
  milestones: z.array(milestoneBriefSchema),
  timeline: timelinePageSchema,
  expiresAt: z.string(),
});
export type SharedProgress = z.infer<typeof sharedProgressSchema>;

// ── weekly reports ─────────────────────────────────────────────────────────────────────────

export const WEEKLY_REPORT_STATUSES = ['draft', 'sent'] as const;
export type WeeklyReportStatus = (typeof WEEKLY_REPORT_STATUSES)[number];

export const weeklyReportSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  /** Monday 00:00 Asia/Shanghai of the reported week, as an ISO instant; the week is 7 days from it. */
  weekStart: z.string(),
  weekEnd: z.string(),
  status: z.enum(WEEKLY_REPORT_STATUSES),
  progress: z.number(),
  scheduleVarianceDays: z.number().nullable(),
  /** The week's customer-visible happenings (daily logs, milestones), oldest first. */
  thisWeek: z.array(z.object({ kind: z.string(), title: z.string(), summary: z.string(), at: z.string() })),
  dailyLogCount: z.number().int(),
  /** Milestones planned to finish in the 7 days after the week. */
  nextWeek: z.array(milestoneBriefSchema),
  openIssues: z.array(z.object({ id: z.string(), title: z.string(), severity: z.string() })),
  photos: z.array(fileRefSchema),
  sentAt: z.string().nullable(),
  sentBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  autoSent: z.boolean(),
});
export type WeeklyReportView = z.infer<typeof weeklyReportSchema>;

export const weeklyReportPageSchema = z.object({
  items: z.array(weeklyReportSchema),
  nextCursor: z.string().nullable(),
});

export const weeklyReportSettingsSchema = z.strictObject({ autoSend: z.boolean() });
export type WeeklyReportSettings = z.infer<typeof weeklyReportSettingsSchema>;

export const projectIdParamsSchema = z.strictObject({ id: objectIdSchema });
