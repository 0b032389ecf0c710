import { Types } from 'mongoose';
import { calendarDateOf } from '@gantry/shared';
import type { ProjectDoc } from '../projects/project.model';
import type { TimelineEntryDoc, TimelineModel } from '../projects/timeline.model';
import type { ProjectFacts } from './project-facts';
import type { WeeklyReportDoc } from './weekly-report.model';

const DAY_MS = 86_400_000;
/** Asia/Shanghai has had no daylight saving since 1991: a fixed offset is exact. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MAX_WEEK_ENTRIES = 200;
const MAX_PHOTOS = 9;

/** Monday 00:00 Asia/Shanghai of the week holding `at`, as a UTC instant. */
export function weekStartOf(at: Date): Date {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const localMidnight = Math.floor(local / DAY_MS) * DAY_MS;
  const sinceMonday = (new Date(localMidnight).getUTCDay() + 6) % 7;
  return new Date(localMidnight - sinceMonday * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** The week a run at `tick` reports on: the last full week before it. */
export const reportedWeekOf = (tick: Date) => new Date(weekStartOf(tick).getTime() - 7 * DAY_MS);

export type CompiledReport = Omit<WeeklyReportDoc, '_id' | 'createdAt'>;

/**
 * A week of one project from what the customer may see: the week's customer-visible timeline
 * entries (daily logs, milestone happenings, their photos), the milestones planned for the next
 * seven days, the customer-visible site issues still open, and progress/variance as of now.
 */
export class WeeklyReportCompiler {
  constructor(private readonly deps: { timeline: TimelineModel; facts: ProjectFacts }) {}

  async compile(project: ProjectDoc, weekStart: Date): Promise<CompiledReport> {
    const weekEnd = new Date(weekStart.getTime() + 7 * DAY_MS);
    const [entries, facts, openIssues] = await Promise.all([
      this.weekEntries(project._id, weekStart, weekEnd),
      this.deps.facts.milestones(project._id),
      this.deps.facts.openIssues(project._id, true),
    ]);
    // Planned dates are Asia/Shanghai calendar days: compare them with the week's local days.
    const fromDay = calendarDateOf(weekEnd);
    const nextWeekEnd = calendarDateOf(new Date(weekEnd.getTime() + 7 * DAY_MS));
    const nextWeek = facts.milestones.filter(
      (m) =>
        m.status !== 'confirmed' &&
        m.plannedEnd !== null &&
        m.plannedEnd >= fromDay &&
        m.plannedEnd < nextWeekEnd,
    );
    return {
      projectId: project._id,
      customerId: project.customerId,
      pmId: project.pmId,
      projectName: project.name,
      weekStart,
      weekEnd,
      status: 'draft',
      progress: facts.progress,
      scheduleVarianceDays: facts.scheduleVarianceDays,
      thisWeek: entries.map((e) => ({ kind: e.kind, title: e.title, summary: e.summary, at: e.occurredAt })),
      dailyLogCount: entries.filter((e) => e.kind === 'daily_log').length,
      nextWeek,
      openIssues,
      photoIds: [...new Set(entries.flatMap((e) => e.photoIds.map(String)))]
        .slice(0, MAX_PHOTOS)
        .map((id) => new Types.ObjectId(id)),
      sentAt: null,
      sentBy: null,
      autoSent: false,
    };
  }

  private async weekEntries(projectId: Types.ObjectId, from: Date, to: Date): Promise<TimelineEntryDoc[]> {
    const entries = await this.deps.timeline
      .find({ projectId, customerVisible: true, occurredAt: { $gte: from, $lt: to } })
      .sort({ _id: -1 })
      .limit(MAX_WEEK_ENTRIES)
      .lean<TimelineEntryDoc[]>();
    // Earlier weekly reports are history, not this week's work.
    return entries
      .filter((e) => e.kind !== 'weekly_report')
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  }
}
