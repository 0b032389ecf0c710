import { Types } from 'mongoose';
import type { CloseFollowUpInput, FollowUpListQuery, FollowUpTask, Page } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ConflictError, ForbiddenError, NotFoundError, isDuplicateKeyError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, grantScope } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { FollowUpTaskDoc, FollowUpTaskModel } from './follow-up.model';
import type { RatingDoc } from './rating.model';

export const FOLLOW_UP = 'follow_up_task';
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Follow-up tasks opened by low ratings: the PM of the project sees and closes theirs (with what
 * the customer said); admins and customer service see all of them.
 */
export class FollowUpService {
  constructor(
    private readonly deps: {
      followUpTasks: FollowUpTaskModel;
      projects: ProjectModel;
      audit: AuditLog;
      lock: RedisLock;
    },
  ) {}

  /** Opens the task of a low rating; answers null when the rating already has one. */
  async openFor(rating: RatingDoc, project: ProjectDoc): Promise<FollowUpTaskDoc | null> {
    try {
      const doc = await retryTransient(() =>
        this.deps.followUpTasks.create({
          ratingId: rating._id,
          subject: rating.subject,
          subjectId: rating.subjectId,
          projectId: rating.projectId,
          customerId: rating.customerId,
          pmId: project.pmId,
          overall: rating.overall,
          comment: rating.comment,
          status: 'open',
        }),
      );
      await this.deps.audit.record({
        actor: null,
        action: 'follow_up_task.opened',
        resource: FOLLOW_UP,
        resourceId: doc._id,
        after: { ratingId: String(rating._id), overall: rating.overall },
      });
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
  }

  taskOf(ratingId: Types.ObjectId) {
    return this.deps.followUpTasks.findOne({ ratingId }, { _id: 1 }).lean<Pick<FollowUpTaskDoc, '_id'>>();
  }

  async list(actor: Actor, query: FollowUpListQuery): Promise<Page<FollowUpTask>> {
    let scope = EVERYTHING;
    if (actor.role === 'pm') scope = grantScope({ pmId: new Types.ObjectId(actor.id) });
    else if (actor.role !== 'admin' && actor.role !== 'service') throw new ForbiddenError();
    const narrow: Record<string, unknown> = {};
    if (query.status) narrow.status = query.status;
    if (query.projectId) narrow.projectId = new Types.ObjectId(query.projectId);
    const list = { scope, narrow };
    const page = await paginateById(this.deps.followUpTasks, list, query, (d) => d as FollowUpTaskDoc);
    return { items: await this.present(page.items), nextCursor: page.nextCursor };
  }

  async close(
    actor: Actor,
    id: string,
    input: CloseFollowUpInput,
    requestId?: string,
  ): Promise<FollowUpTask> {
    const task = Types.ObjectId.isValid(id)
      ? await this.deps.followUpTasks.findById(id).lean<FollowUpTaskDoc>()
      : null;
    if (!task || !this.maySee(actor, task)) throw new NotFoundError();
    const closed = await this.deps.lock.withLock(`lock:feedback:follow-up:${id}`, 10_000, async () => {
      const fresh = await this.deps.followUpTasks.findById(id).lean<FollowUpTaskDoc>();
      if (!fresh) throw new NotFoundError();
      if (fresh.status === 'closed') throw new ConflictError('CONFLICT', '回访任务已关闭');
      const set = {
        status: 'closed' as const,
        note: input.note,
        closedBy: { id: actor.id, name: actor.name },
        closedAt: new Date(),
      };
      await retryTransient(() => this.deps.followUpTasks.updateOne({ _id: fresh._id }, { $set: set }));
      return { ...fresh, ...set };
    });
    await this.deps.audit.record({
      actor,
      action: 'follow_up_task.closed',
      resource: FOLLOW_UP,
      resourceId: task._id,
      before: { status: 'open' },
      after: { status: 'closed', note: input.note },
      requestId,
    });
    return (await this.present([closed]))[0]!;
  }

  private maySee(actor: Actor, task: FollowUpTaskDoc): boolean {
    if (actor.role === 'admin' || actor.role === 'service') return true;
    return actor.role === 'pm' && task.pmId !== null && String(task.pmId) === actor.id;
  }

  private async present(docs: FollowUpTaskDoc[]): Promise<FollowUpTask[]> {
    const ids = [...new Set(docs.map((d) => String(d.projectId)))].map((id) => new Types.ObjectId(id));
    const projects = ids.length
      ? await this.deps.projects
          .find({ _id: { $in: ids } }, { name: 1 })
          .lean<Array<Pick<ProjectDoc, '_id' | 'name'>>>()
      : [];
    const names = new Map(projects.map((p) => [String(p._id), p.name]));
    return docs.map((d) => ({
      id: String(d._id),
      ratingId: String(d.ratingId),
      subject: d.subject,
      subjectId: String(d.subjectId),
      projectId: String(d.projectId),
      projectName: names.get(String(d.projectId)) ?? null,
      customerId: String(d.customerId),
      pmId: d.pmId ? String(d.pmId) : null,
      overall: d.overall,
      comment: d.comment,
      status: d.status,
      note: d.note,
      closedBy: d.closedBy,
      closedAt: iso(d.closedAt),
      createdAt: d.createdAt.toISOString(),
    }));
  }
}
