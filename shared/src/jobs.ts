import { z } from 'zod';
import { cursorQuerySchema } from './pagination';

/** Scheduled jobs as an admin sees them: each job, its runs, and the manual trigger. */
export const JOB_TRIGGERS = ['schedule', 'manual'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** `abandoned`: the instance running it died (its lease lapsed); a scheduled tick then runs again. */
export const JOB_OUTCOMES = ['running', 'succeeded', 'failed', 'skipped', 'timed_out', 'abandoned'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export const jobNameParamsSchema = z.object({ name: z.string().min(1).max(100) });

export const jobRunSchema = z.object({
  id: z.string(),
  job: z.string(),
  trigger: z.enum(JOB_TRIGGERS),
  tick: z.string(),
  /** 1 for a tick's first run, 2 for its re-run after an abandoned one, … */
  attempt: z.number().int().min(1),
  instanceId: z.string(),
  actorId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: z.enum(JOB_OUTCOMES),
  error: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type JobRun = z.infer<typeof jobRunSchema>;

export const jobSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  /** Null when this instance's scheduler is not running or the job is switched off. */
  nextRunAt: z.string().nullable(),
  lastRun: jobRunSchema.nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobRunsQuerySchema = cursorQuerySchema;
export const jobRunPageSchema = z.object({ items: z.array(jobRunSchema), nextCursor: z.string().nullable() });
