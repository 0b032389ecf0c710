import { Types, isValidObjectId } from 'mongoose';
import type { Page, WeeklyReportSettings, WeeklyReportView } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import type { EventBus } from '../../core/events';
import { isDuplicateKeyError, NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { grantScope } from '../../core/policy';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import type { PhotoRefs } from './project-home.service';
import { reportedWeekOf, type WeeklyReportCompiler } from './weekly-report.compiler';
import type { WeeklyReportDoc, WeeklyReportModel, WeeklyReportSettingModel } from './weekly-report.model';

const BATCH = 200;

export interface WeeklyReportDeps {
  weeklyReports: WeeklyReportModel;
  weeklyReportSettings: WeeklyReportSettingModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  compiler: WeeklyReportCompiler;
  timeline: TimelineService;
  events: EventBus;
  audit: AuditLog;
  files: PhotoRefs;
  logger: Logger;
}

const weekLabel = (d: WeeklyReportDoc) =>
  `${new Date(d.weekStart.getTime() + 8 * 3_600_000).toISOString().slice(5, 10)} 周`;

/**
 * Weekly project reports: compiled per active project by the weekly job as drafts (once per
 * project and week: unique index), sent by the PM with one tap or automatically when the PM opted
 * in. Sending records the report in the timeline and notifies the customer; both are keyed by the
 * report id, so a repeated or concurrent send changes nothing more.
 */
export class WeeklyReportService {
  constructor(private readonly deps: WeeklyReportDeps) {}

  /** The job: drafts for every active project for the week before `tick`, auto-sent where opted in. */
  async compileWeek(
    tick: Date,
  ): Promise<{ weekStart: string; compiled: number; existing: number; sent: number; failed: number }> {
    const weekStart = reportedWeekOf(tick);
    const autoSenders = new Set(
      (await this.deps.weeklyReportSettings.find({ autoSend: true }, { pmId: 1 }).lean()).map((s) =>
        String(s.pmId),
      ),
    );
    const counts = { compiled: 0, existing: 0, sent: 0, failed: 0 };
    let after: Types.ObjectId | null = null;
    for (;;) {
      const filter: Record<string, unknown> = { status: 'active' };
      if (after) filter._id = { $gt: after };
      const batch: ProjectDoc[] = await this.deps.projects
        .find(filter)
        .sort({ _id: 1 })
        .limit(BATCH)
        .lean<ProjectDoc[]>();
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!._id;
      for (const project of batch) {
        try {
          const outcome = await this.compileOne(project, weekStart, autoSenders);
          counts[outcome] += 1;
          if (outcome === 'sent') counts.compiled += 1;
        } catch (err) {
          // One project's bad data must not cost every other project its report; the run reports it.
          counts.failed += 1;
          this.deps.logger.error({ err, projectId: String(project._id) }, 'weekly report failed');
        }
      }
    }
    return { weekStart: weekStart.toISOString(), ...counts };
  }

  private async compileOne(
    project: ProjectDoc,
    weekStart: Date,
    autoSenders: Set<string>,
  ): Promise<'compiled' | 'existing' | 'sent'> {
    const autoSend =
      project.pmId !== null && project.pmId !== undefined && autoSenders.has(String(project.pmId));
    const report = await this.draft(project, weekStart);
    if (!report) return autoSend ? this.finishAutoSend(project, weekStart) : 'existing';
    if (!autoSend) return 'compiled';
    await this.deliver(report, null);
    return 'sent';
  }

  /**
   * The week's report exists: a run that died after drafting it, or after marking it sent, left
   * the send unfinished. Finishing it repeats only keyed steps (the guarded status move, the
   * timeline entry and notice keyed by the report id), so a healthy re-run sends nothing twice.
   */
  private async finishAutoSend(project: ProjectDoc, weekStart: Date): Promise<'existing' | 'sent'> {
    const existing = await this.deps.weeklyReports
      .findOne({ projectId: project._id, weekStart })
      .lean<WeeklyReportDoc>();
    if (!existing) return 'existing';
    if (existing.status === 'draft') {
      await this.deliver(existing, null);
      return 'sent';
    }
    await this.announce(existing);
    return 'existing';
  }

  /** Null when the week's report exists already. */
  private async draft(project: ProjectDoc, weekStart: Date): Promise<WeeklyReportDoc | null> {
    const compiled = await this.deps.compiler.compile(project, weekStart);
    try {
      const doc = await retryTransient(() => this.deps.weeklyReports.create(compiled));
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
  }

  /** One tap by the PM (or an admin). Sending a sent report answers it unchanged. */
  async send(actor: Actor, reportId: string, requestId?: string): Promise<WeeklyReportView> {
    const report = await this.find(reportId);
    await this.deps.projectAccess.get(actor, String(report.projectId), 'change');
    // A sent report is answered as it is, after re-running the keyed (idempotent) timeline entry and
    // notice: a send that failed half-way is completed by tapping again.
    const sent =
      report.status === 'sent' ? await this.announce(report) : await this.deliver(report, actor, requestId);
    return this.toView(actor, sent);
  }

  private async deliver(
    report: WeeklyReportDoc,
    actor: Actor | null,
    requestId?: string,
  ): Promise<WeeklyReportDoc> {
    const sentAt = new Date();
    const sentBy = actor ? { id: actor.id, name: actor.name } : null;
    await retryTransient(() =>
      this.deps.weeklyReports.updateOne(
        { _id: report._id, status: 'draft' },
        { $set: { status: 'sent', sentAt, sentBy, autoSent: actor === null } },
      ),
    );
    const sent = await this.announce(
      (await this.deps.weeklyReports.findById(report._id).lean<WeeklyReportDoc>())!,
    );
    await this.deps.audit.record({
      actor,
      action: 'weekly_report.sent',
      resource: 'weekly_report',
      resourceId: sent._id,
      before: { status: 'draft' },
      after: { status: 'sent', autoSent: actor === null },
      requestId,
    });
    return sent;
  }

  /** The timeline entry and the customer's notice, both keyed by the report id. */
  private async announce(sent: WeeklyReportDoc): Promise<WeeklyReportDoc> {
    const id = String(sent._id);
    await this.deps.timeline.record({
      key: `weekly_report:${id}`,
      projectId: sent.projectId,
      kind: 'weekly_report',
      refId: sent._id,
      occurredAt: sent.sentAt ?? new Date(),
      customerVisible: true,
      title: `项目周报（${weekLabel(sent)}）`,
      summary: `本周动态 ${sent.thisWeek.length} 条，施工日志 ${sent.dailyLogCount} 篇，总进度 ${sent.progress}%`,
      photoIds: sent.photoIds,
      actor: sent.sentBy,
    });
    await this.deps.events.publish(
      'project.weekly_report',
      {
        customerId: String(sent.customerId),
        pmId: sent.pmId ? String(sent.pmId) : undefined,
        projectId: String(sent.projectId),
        projectName: sent.projectName,
        reportId: id,
        weekStart: sent.weekStart.toISOString(),
        progress: sent.progress,
      },
      { id: `project.weekly_report:${id}` },
    );
    return sent;
  }

  async list(
    actor: Actor,
    projectId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<WeeklyReportView>> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const visible: Record<string, unknown> = { projectId: project._id };
    if (actor.role === 'customer') visible.status = 'sent';
    const list = { scope: grantScope(visible) };
    const result = await paginateById(this.deps.weeklyReports, list, page, (d) => d as WeeklyReportDoc);
    return {
      items: await Promise.all(result.items.map((d) => this.toView(actor, d))),
      nextCursor: result.nextCursor,
    };
  }

  async get(actor: Actor, reportId: string): Promise<WeeklyReportView> {
    const report = await this.find(reportId);
    await this.deps.projectAccess.get(actor, String(report.projectId), 'read');
    if (actor.role === 'customer' && report.status !== 'sent') throw new NotFoundError('周报不存在');
    return this.toView(actor, report);
  }

  async settings(actor: Actor): Promise<WeeklyReportSettings> {
    const doc = await this.deps.weeklyReportSettings.findOne({ pmId: new Types.ObjectId(actor.id) }).lean();
    return { autoSend: doc?.autoSend ?? false };
  }

  async updateSettings(
    actor: Actor,
    input: WeeklyReportSettings,
    requestId?: string,
  ): Promise<WeeklyReportSettings> {
    const before = await this.settings(actor);
    await retryTransient(() =>
      this.deps.weeklyReportSettings.updateOne(
        { pmId: new Types.ObjectId(actor.id) },
        { $set: { autoSend: input.autoSend } },
        { upsert: true },
      ),
    );
    await this.deps.audit.record({
      actor,
      action: 'weekly_report.settings_changed',
      resource: 'weekly_report_settings',
      resourceId: actor.id,
      before,
      after: input,
      requestId,
    });
    return input;
  }

  private async find(reportId: string): Promise<WeeklyReportDoc> {
    const report = isValidObjectId(reportId)
      ? await this.deps.weeklyReports.findById(reportId).lean<WeeklyReportDoc>()
      : null;
    if (!report) throw new NotFoundError('周报不存在');
    return report;
  }

  private async toView(actor: Actor, d: WeeklyReportDoc): Promise<WeeklyReportView> {
    return {
      id: String(d._id),
      projectId: String(d.projectId),
      projectName: d.projectName,
      weekStart: d.weekStart.toISOString(),
      weekEnd: d.weekEnd.toISOString(),
      status: d.status,
      progress: d.progress,
      scheduleVarianceDays: d.scheduleVarianceDays,
      thisWeek: d.thisWeek.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      dailyLogCount: d.dailyLogCount,
      nextWeek: d.nextWeek,
      openIssues: d.openIssues,
      photos: d.photoIds.length > 0 ? await this.deps.files.refs(actor, d.photoIds.map(String)) : [],
      sentAt: d.sentAt ? d.sentAt.toISOString() : null,
      sentBy: d.sentBy,
      autoSent: d.autoSent,
    };
  }
}
