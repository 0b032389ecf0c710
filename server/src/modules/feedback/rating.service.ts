import { Types } from 'mongoose';
import {
  LOW_RATING_MAX,
  RATING_EDIT_WINDOW_DAYS,
  type Rating,
  type RatingInput,
  type RatingSubject,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import { activeManagerOf } from '../auth/staff-admin.managers';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  isDuplicateKeyError,
} from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { MilestoneDoc, MilestoneModel } from '../projects/milestone.model';
import type { ProjectDoc } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { FollowUpService } from './follow-up.service';
import type { RatingDoc, RatingModel } from './rating.model';

export const RATING = 'rating';
const DAY_MS = 86_400_000;
/** A project is rated at completion: once completed, and during the warranty. */
const RATEABLE_PROJECT = ['completed', 'warranty'];

export interface RatingDeps {
  ratings: RatingModel;
  milestones: MilestoneModel;
  staffUsers: StaffUserModel;
  projectAccess: ProjectAccess;
  followUps: FollowUpService;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
}

interface Subject {
  kind: RatingSubject;
  id: Types.ObjectId;
  project: ProjectDoc;
  /** For the low-rating notice. */
  name: string;
  /** Why it cannot be rated (yet), or null. */
  closed: string | null;
}

/**
 * Ratings of confirmed milestones and of completed projects by the customer: one per subject per
 * customer (unique index), changed by rating again within 7 days, 409 after. A low overall score
 * (≤ 2) opens a follow-up task for the PM and publishes rating.low once per rating; every save
 * publishes rating.submitted, on which the customer's score is recomputed.
 */
export class RatingService {
  constructor(private readonly deps: RatingDeps) {}

  async rateMilestone(
    actor: Actor,
    milestoneId: string,
    input: RatingInput,
    mode: 'upsert' | 'update',
    requestId?: string,
  ) {
    return this.save(actor, await this.milestoneSubject(actor, milestoneId), input, mode, requestId);
  }

  async rateProject(
    actor: Actor,
    projectId: string,
    input: RatingInput,
    mode: 'upsert' | 'update',
    requestId?: string,
  ) {
    return this.save(actor, await this.projectSubject(actor, projectId), input, mode, requestId);
  }

  async getMilestoneRating(actor: Actor, milestoneId: string): Promise<Rating> {
    return this.read(await this.milestoneSubject(actor, milestoneId));
  }

  async getProjectRating(actor: Actor, projectId: string): Promise<Rating> {
    return this.read(await this.projectSubject(actor, projectId));
  }

  private async milestoneSubject(actor: Actor, id: string): Promise<Subject> {
    const m = Types.ObjectId.isValid(id)
      ? await this.deps.milestones.findById(id).lean<MilestoneDoc>()
      : null;
    if (!m) throw new NotFoundError();
    const project = await this.deps.projectAccess.get(actor, String(m.projectId), 'read');
    const closed = m.status === 'confirmed' ? null : '节点确认后才能评价';
    return { kind: 'milestone', id: m._id, project, name: m.name, closed };
  }

  private async projectSubject(actor: Actor, id: string): Promise<Subject> {
    const project = await this.deps.projectAccess.get(actor, id, 'read');
    const closed = RATEABLE_PROJECT.includes(project.status) ? null : '项目竣工后才能评价整个项目';
    return { kind: 'project', id: project._id, project, name: project.name, closed };
  }

  private key(subject: Subject) {
    return { subject: subject.kind, subjectId: subject.id, customerId: subject.project.customerId };
  }

  private async read(subject: Subject): Promise<Rating> {
    const doc = await this.deps.ratings.findOne(this.key(subject)).lean<RatingDoc>();
    if (!doc) throw new NotFoundError('尚未评价');
    return this.present(doc);
  }

  /** Creates or edits under a lock per subject and customer (the unique index backs the creation). */
  private async save(
    actor: Actor,
    subject: Subject,
    input: RatingInput,
    mode: 'upsert' | 'update',
    requestId?: string,
  ) {
    if (actor.role !== 'customer') throw new ForbiddenError('只有客户本人可以评价');
    if (subject.closed) throw new ConflictError('CONFLICT', subject.closed);
    const key = this.key(subject);
    const lockKey = `lock:feedback:rating:${subject.kind}:${String(subject.id)}:${String(key.customerId)}`;
    const { doc, before } = await this.deps.lock.withLock(lockKey, 10_000, async () => {
      const existing = await this.deps.ratings.findOne(key).lean<RatingDoc>();
      if (!existing && mode === 'update') throw new NotFoundError('尚未评价');
      const now = new Date();
      if (existing && existing.editableUntil.getTime() <= now.getTime()) throw new AppError('RATING_LOCKED');
      const fields = { ...input, by: { id: actor.id, name: actor.name } };
      if (existing) {
        await retryTransient(() => this.deps.ratings.updateOne({ _id: existing._id }, { $set: fields }));
        return { doc: { ...existing, ...fields, updatedAt: now }, before: existing };
      }
      try {
        const created = await retryTransient(() =>
          this.deps.ratings.create({
            ...key,
            ...fields,
            projectId: subject.project._id,
            editableUntil: new Date(now.getTime() + RATING_EDIT_WINDOW_DAYS * DAY_MS),
          }),
        );
        return { doc: created.toObject<RatingDoc>(), before: null };
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('DUPLICATE', '已评价过，请刷新后修改');
        throw err;
      }
    });
    await this.deps.audit.record({
      actor,
      action: before ? 'rating.updated' : 'rating.created',
      resource: RATING,
      resourceId: doc._id,
      before: before ? scores(before) : undefined,
      after: scores(doc),
      requestId,
    });
    await this.afterSave(doc, subject);
    return this.present(doc);
  }

  private async afterSave(doc: RatingDoc, subject: Subject): Promise<void> {
    const { project } = subject;
    if (doc.overall <= LOW_RATING_MAX) {
      const task = await this.deps.followUps.openFor(doc, project);
      if (task) {
        const managerId = await activeManagerOf(this.deps.staffUsers, project.pmId);
        await this.deps.events.publish(
          'rating.low',
          {
            pmId: project.pmId ? String(project.pmId) : undefined,
            managerId: managerId ?? undefined,
            ratingId: String(doc._id),
            followUpTaskId: String(task._id),
            subject: doc.subject,
            subjectName: subject.name,
            projectId: String(project._id),
            projectName: project.name,
            rating: doc.overall,
            comment: doc.comment || '（无文字评价）',
          },
          { id: `rating.low:${String(doc._id)}` },
        );
      }
    }
    await this.deps.events.publish(
      'rating.submitted',
      { customerId: String(doc.customerId), ratingId: String(doc._id), overall: doc.overall },
      { id: `rating.submitted:${String(doc._id)}:${doc.updatedAt.getTime()}` },
    );
  }

  private async present(doc: RatingDoc): Promise<Rating> {
    const task = await this.deps.followUps.taskOf(doc._id);
    return {
      id: String(doc._id),
      subject: doc.subject,
      subjectId: String(doc.subjectId),
      projectId: String(doc.projectId),
      customerId: String(doc.customerId),
      ...scores(doc),
      by: doc.by,
      createdAt: doc.createdAt.toISOString(),
      updatedAt: doc.updatedAt.toISOString(),
      editableUntil: doc.editableUntil.toISOString(),
      editable: doc.editableUntil.getTime() > Date.now(),
      followUpTaskId: task ? String(task._id) : null,
    };
  }
}

function scores(
  d: Pick<RatingDoc, 'overall' | 'quality' | 'schedule' | 'communication' | 'tidiness' | 'comment'>,
) {
  return {
    overall: d.overall,
    quality: d.quality,
    schedule: d.schedule,
    communication: d.communication,
    tidiness: d.tidiness,
    comment: d.comment,
  };
}
