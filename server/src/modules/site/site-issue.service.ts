import { Types } from 'mongoose';
import {
  SITE_ISSUE_SEVERITY_LABELS,
  SITE_ISSUE_STATUS_LABELS,
  canMoveSiteIssue,
  type CreateSiteIssueInput,
  type Page,
  type ReopenSiteIssueInput,
  type ResolveSiteIssueInput,
  type SiteIssue,
  type SiteIssueListQuery,
  type SiteIssueStatus,
  type UpdateSiteIssueInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import type { EventBus } from '../../core/events';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { grantScope, type MongoFilter } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { ProjectDoc } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import type { SiteIssueDoc, SiteIssueModel } from './site-issue.model';
import { toObjectIds, type SitePhotoFiles } from './site-photos';
import { presentSiteIssues, syncIssueTimeline } from './site-issue.view';

export interface SiteIssueServiceDeps {
  siteIssues: SiteIssueModel;
  projectAccess: ProjectAccess;
  files: SitePhotoFiles;
  timeline: TimelineService;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  /** Names of staff (the assignee), from the account directory. */
  staffNames(ids: string[]): Promise<Map<string, string>>;
}

type Transition =
  | { to: 'in_progress' }
  | { to: 'resolved'; input: ResolveSiteIssueInput }
  | { to: 'closed' }
  | { to: 'open'; input: ReopenSiteIssueInput };

const lockKey = (id: string) => `lock:site:issue:${id}`;
const statusLabel = (s: SiteIssueStatus) => SITE_ISSUE_STATUS_LABELS[s];
const onProject = (p: ProjectDoc, staffId: string) =>
  String(p.pmId) === staffId || p.engineerIds.some((e) => String(e) === staffId);

/**
 * Site issues: reported and worked by the people on site (the PM, the project's engineers; admins
 * too), assigned to one of them, moved through the shared status machine under a Redis lock
 * (FerretDB v1's guarded updates are not atomic). Internal by default; a customer-visible issue is
 * kept in the project's timeline under `site_issue:<id>`.
 */
export class SiteIssueService {
  constructor(private readonly deps: SiteIssueServiceDeps) {}

  async create(actor: Actor, projectId: string, input: CreateSiteIssueInput, requestId?: string) {
    const project = await this.writableProject(actor, projectId);
    const assigneeName = await this.checkAssignee(project, input.assigneeId);
    const _id = new Types.ObjectId();
    await this.deps.files.attach(actor, input.photoIds, {
      projectId,
      customerVisible: input.customerVisible,
      record: { kind: 'site_issue', id: _id },
    });
    const created = await retryTransient(() =>
      this.deps.siteIssues.create({
        ...input,
        _id,
        projectId: project._id,
        status: 'open',
        assigneeId: input.assigneeId ? new Types.ObjectId(input.assigneeId) : null,
        assigneeName,
        reporter: { id: actor.id, name: actor.name },
        photoIds: toObjectIds(input.photoIds),
      }),
    );
    const doc = created.toObject() as SiteIssueDoc;
    await this.audit(actor, 'site_issue.created', doc._id, undefined, { status: 'open' }, requestId);
    if (doc.assigneeId) await this.assigned(actor, project, doc, requestId, null);
    await syncIssueTimeline(this.deps.timeline, doc);
    return this.presentOne(actor, doc);
  }

  async list(actor: Actor, projectId: string, query: SiteIssueListQuery): Promise<Page<SiteIssue>> {
    const project = await this.deps.projectAccess.get(actor, projectId);
    const visible: MongoFilter = { projectId: project._id };
    if (actor.role === 'customer') visible.customerVisible = true;
    const narrow: MongoFilter = {};
    if (query.status) narrow.status = query.status;
    if (query.severity) narrow.severity = query.severity;
    if (query.assigneeId) narrow.assigneeId = new Types.ObjectId(query.assigneeId);
    const list = { scope: grantScope(visible), narrow };
    const page = await paginateById(this.deps.siteIssues, list, query, (d) => d as SiteIssueDoc);
    return { items: await this.present(actor, page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<SiteIssue> {
    return this.presentOne(actor, (await this.load(actor, id)).issue);
  }

  async update(actor: Actor, id: string, input: UpdateSiteIssueInput, requestId?: string) {
    const { project } = await this.loadWritable(actor, id);
    return this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const { issue } = await this.load(actor, id);
      const set: Record<string, unknown> = { ...input };
      const reassigned = input.assigneeId !== undefined && input.assigneeId !== str(issue.assigneeId);
      if (reassigned) {
        set.assigneeName = await this.checkAssignee(project, input.assigneeId ?? null);
        set.assigneeId = input.assigneeId ? new Types.ObjectId(input.assigneeId) : null;
      }
      const customerVisible = input.customerVisible ?? issue.customerVisible;
      // Before the issue's own write: turned internal, its photos are withdrawn even if that write fails.
      if (input.photoIds || input.customerVisible !== undefined) {
        const target = { projectId: String(project._id), customerVisible };
        const photos = input.photoIds ?? issue.photoIds.map(String);
        await this.deps.files.attach(actor, photos, {
          ...target,
          record: { kind: 'site_issue', id: issue._id },
        });
        await this.deps.files.attach(actor, resolutionPhotos(issue), {
          ...target,
          record: { kind: 'site_issue_resolution', id: issue._id },
        });
      }
      if (input.photoIds) set.photoIds = toObjectIds(input.photoIds);
      await retryTransient(() => this.deps.siteIssues.updateOne({ _id: issue._id }, { $set: set }));
      const fields = Object.keys(input) as Array<keyof UpdateSiteIssueInput>;
      const before = Object.fromEntries(
        fields.map((k) => [k, k === 'assigneeId' ? str(issue[k]) : issue[k]]),
      );
      await this.audit(actor, 'site_issue.updated', issue._id, before, input, requestId);
      const updated = await this.reload(issue._id);
      if (reassigned && updated.assigneeId) await this.assigned(actor, project, updated, requestId, issue);
      await syncIssueTimeline(this.deps.timeline, updated);
      return this.presentOne(actor, updated);
    });
  }

  /** One step of the status machine; 409 for a step it does not allow. Closing is the PM's (or an admin's). */
  async transition(actor: Actor, id: string, step: Transition, requestId?: string): Promise<SiteIssue> {
    const { project } = await this.loadWritable(actor, id);
    if (step.to === 'closed' && actor.role !== 'admin' && !this.deps.projectAccess.isPm(actor, project))
      throw new ForbiddenError('只有项目经理可以关闭现场问题');
    return this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const { issue } = await this.load(actor, id);
      const from = issue.status;
      if (!canMoveSiteIssue(from, step.to))
        throw new ConflictError(
          'CONFLICT',
          `现场问题不能从「${statusLabel(from)}」变为「${statusLabel(step.to)}」`,
          {
            from,
            to: step.to,
          },
        );
      const set: Record<string, unknown> = { status: step.to };
      if (step.to === 'resolved') {
        await this.deps.files.attach(actor, step.input.photoIds, {
          projectId: String(project._id),
          customerVisible: issue.customerVisible,
          record: { kind: 'site_issue_resolution', id: issue._id },
        });
        set.resolution = {
          note: step.input.resolution,
          photoIds: toObjectIds(step.input.photoIds),
          at: new Date(),
          by: { id: actor.id, name: actor.name },
        };
      }
      // A reopened issue is unresolved again; the rejected resolution stays in the audit trail.
      if (step.to === 'open') set.resolution = null;
      await retryTransient(() => this.deps.siteIssues.updateOne({ _id: issue._id }, { $set: set }));
      const after = {
        status: step.to,
        ...(step.to === 'resolved' ? { resolution: step.input.resolution } : {}),
        ...(step.to === 'open' ? { reason: step.input.reason } : {}),
      };
      const before = { status: from, ...(step.to === 'open' ? { resolution: issue.resolution?.note } : {}) };
      await this.audit(actor, 'site_issue.status_changed', issue._id, before, after, requestId);
      const updated = await this.reload(issue._id);
      await syncIssueTimeline(this.deps.timeline, updated);
      return this.presentOne(actor, updated);
    });
  }

  private async writableProject(actor: Actor, projectId: string): Promise<ProjectDoc> {
    const project = await this.deps.projectAccess.get(actor, projectId);
    if (actor.role !== 'admin' && !this.deps.projectAccess.isOnSite(actor, project))
      throw new ForbiddenError('只有本项目的项目经理或工程师可以处理现场问题');
    return project;
  }

  /** The assignee must be the project's PM or one of its engineers; answers their name. */
  private async checkAssignee(project: ProjectDoc, assigneeId: string | null): Promise<string | null> {
    if (!assigneeId) return null;
    const name = onProject(project, assigneeId)
      ? (await this.deps.staffNames([assigneeId])).get(assigneeId)
      : undefined;
    if (!name)
      throw new ValidationError([{ path: 'body.assigneeId', message: '负责人须为本项目的项目经理或工程师' }]);
    return name;
  }

  private async assigned(
    actor: Actor,
    project: ProjectDoc,
    issue: SiteIssueDoc,
    requestId: string | undefined,
    before: SiteIssueDoc | null,
  ) {
    const assigneeId = String(issue.assigneeId);
    await this.audit(
      actor,
      'site_issue.assigned',
      issue._id,
      { assigneeId: str(before?.assigneeId ?? null) },
      { assigneeId },
      requestId,
    );
    // Taking an issue yourself needs no notice.
    if (assigneeId === actor.id) return;
    await this.deps.events.publish(
      'site_issue.assigned',
      {
        staffIds: [assigneeId],
        pmId: str(project.pmId) ?? undefined,
        projectId: String(project._id),
        projectName: project.name,
        issueId: String(issue._id),
        issueTitle: issue.title,
        severityLabel: SITE_ISSUE_SEVERITY_LABELS[issue.severity],
        assignedBy: actor.name,
      },
      // Stable per assignment: a retried request does not notify twice.
      { id: `site_issue.assigned:${String(issue._id)}:${assigneeId}:${issue.updatedAt.getTime()}` },
    );
  }

  private async load(actor: Actor, id: string) {
    const issue = await this.deps.siteIssues.findById(id).lean<SiteIssueDoc>();
    if (!issue) throw new NotFoundError('现场问题不存在');
    const project = await this.deps.projectAccess.get(actor, String(issue.projectId));
    if (actor.role === 'customer' && !issue.customerVisible) throw new NotFoundError('现场问题不存在');
    return { issue, project };
  }

  private async loadWritable(actor: Actor, id: string) {
    const loaded = await this.load(actor, id);
    await this.writableProject(actor, String(loaded.project._id));
    return loaded;
  }

  private async reload(id: Types.ObjectId): Promise<SiteIssueDoc> {
    const doc = await this.deps.siteIssues.findById(id).lean<SiteIssueDoc>();
    if (!doc) throw new NotFoundError('现场问题不存在');
    return doc;
  }

  private audit(
    actor: Actor,
    action: string,
    id: Types.ObjectId,
    before: unknown,
    after: unknown,
    requestId?: string,
  ) {
    return this.deps.audit.record({
      actor,
      action,
      resource: 'site_issue',
      resourceId: id,
      before,
      after,
      requestId,
    });
  }

  private async presentOne(actor: Actor, doc: SiteIssueDoc): Promise<SiteIssue> {
    return (await presentSiteIssues(this.deps.files, actor, [doc]))[0]!;
  }

  private async present(actor: Actor, docs: SiteIssueDoc[]): Promise<SiteIssue[]> {
    return presentSiteIssues(this.deps.files, actor, docs);
  }
}

const str = (id: Types.ObjectId | null | undefined): string | null => (id ? String(id) : null);
const resolutionPhotos = (issue: SiteIssueDoc) => (issue.resolution?.photoIds ?? []).map(String);
