import { Types } from 'mongoose';
import {
  REPAIR_STATUS_LABELS,
  canMoveRepair,
  type CancelRepairInput,
  type ConfirmRepairInput,
  type CreateRepairInput,
  type FeedbackReopenInput,
  type FixRepairInput,
  type Page,
  type Repair,
  type RepairListQuery,
  type RepairPriority,
  type RepairStatus,
  type ScheduleRepairInput,
  type StaffRole,
  type TriageRepairInput,
} from '@gantry/shared';
import { auditableFields, type AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import { paginateById } from '../../core/pagination';
import type { MongoFilter, Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import { moveUnderLock } from '../../core/status-move';
import type { StaffUserDoc, StaffUserModel } from '../auth/staff-user.model';
import type { FileService } from '../files/file.service';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import type { FeedbackConfig } from './escalation.config';
import { addHours, overdueFilter, personOf, projectScope, raiserOf } from './escalation.deadlines';
import type { RepairDoc, RepairModel } from './repair.model';
import { REPAIR_DEADLINES, presentRepairs, repairEventPayload, repairTimelineEntry } from './repair.present';
import { REPAIRABLE_PROJECT_STATUSES, warrantyEndOf } from './repair.warranty';
import type { ResponseClockService } from './response-clock.service';

export const REPAIR = 'repair';

export interface RepairServiceDeps {
  repairs: RepairModel;
  projects: ProjectModel;
  staffUsers: StaffUserModel;
  projectAccess: ProjectAccess;
  policy: Policy;
  files: Pick<FileService, 'attach' | 'refs'>;
  responseClock: Pick<ResponseClockService, 'open' | 'answer'>;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  config: FeedbackConfig['repair'];
  /** Filing and fixing show on the project's timeline (the customer's history of the project). */
  timeline: Pick<TimelineService, 'record'>;
}

const FILING_STAFF = ['admin', 'service', 'pm', 'engineer'];
const ASSIGNABLE: StaffRole[] = ['admin', 'service', 'pm', 'engineer'];
const lockKey = (id: string) => `lock:feedback:repair:${id}`;
const clockKey = (id: string, round: number) => (round === 1 ? `repair:${id}` : `repair:${id}:${round}`);

type Who = 'staff' | 'customer' | 'either';
type Mutation = (doc: RepairDoc, now: Date) => Promise<Partial<RepairDoc>> | Partial<RepairDoc>;

/**
 * Warranty repairs (报修): the customer of a handed-over project files one; staff triage it
 * (priority, assignee), schedule a visit (the customer is told the time), record the fix; the
 * customer confirms and rates it, or reopens it. Filed after the warranty ended it is chargeable.
 * Moves follow the status machine under a Redis lock and are audited, like complaints.
 */
export class RepairService {
  constructor(private readonly deps: RepairServiceDeps) {}

  async file(actor: Actor, projectId: string, input: CreateRepairInput, requestId?: string): Promise<Repair> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    if (actor.kind === 'staff' && !FILING_STAFF.includes(actor.role)) throw new ForbiddenError();
    if (actor.kind === 'portal' && input.receivedAt)
      throw new ValidationError([{ path: 'body.receivedAt', message: '只有员工代客户登记时可以填写' }]);
    if (!REPAIRABLE_PROJECT_STATUSES.includes(project.status))
      throw new ConflictError('CONFLICT', '项目尚未交付，交付后才能报修');
    const now = new Date();
    const filedAt = input.receivedAt ? new Date(input.receivedAt) : now;
    const warrantyEndsAt = warrantyEndOf(project, this.deps.config.defaultWarrantyMonths);
    const _id = new Types.ObjectId();
    if (input.photoIds.length)
      await this.deps.files.attach(actor, input.photoIds, {
        projectId,
        customerVisible: true,
        record: { kind: 'repair', id: _id },
      });
    const created = await retryTransient(() =>
      this.deps.repairs.create({
        _id,
        projectId: project._id,
        customerId: project.customerId,
        description: input.description,
        location: input.location,
        photoIds: input.photoIds.map((id) => new Types.ObjectId(id)),
        status: 'submitted',
        round: 1,
        raisedBy: raiserOf(actor),
        filedAt,
        roundOpenedAt: filedAt,
        chargeable: filedAt > warrantyEndsAt,
        warrantyEndsAt,
        responseDueAt: addHours(filedAt, this.deps.config.responseHours),
        resolutionDueAt: addHours(filedAt, this.deps.config.resolutionHours.normal),
      }),
    );
    const doc = created.toObject<RepairDoc>();
    const id = String(doc._id);
    await this.deps.responseClock.open({
      key: clockKey(id, 1),
      kind: 'repair',
      projectId,
      customerId: String(project.customerId),
      openedAt: filedAt,
    });
    const after = { status: 'submitted', chargeable: doc.chargeable, filedAt };
    await this.audit(actor, 'repair.filed', doc._id, undefined, after, requestId);
    await this.publish('repair.filed', doc, project, `repair.filed:${id}`);
    await this.deps.timeline.record(repairTimelineEntry(doc, actor));
    return (await presentRepairs(this.deps, actor, [doc], now))[0]!;
  }

  async list(actor: Actor, query: RepairListQuery): Promise<Page<Repair>> {
    const filter: MongoFilter = {};
    if (query.status) filter.status = query.status;
    if (query.projectId) filter.projectId = new Types.ObjectId(query.projectId);
    const now = new Date();
    const narrow: MongoFilter[] = [filter];
    if (query.overdue !== undefined) {
      const overdue = overdueFilter(REPAIR_DEADLINES, now);
      narrow.push(query.overdue ? overdue : { $nor: overdue.$or });
    }
    const list = { scope: await projectScope(this.deps, actor), narrow };
    const page = await paginateById(this.deps.repairs, list, query, (d) => d as RepairDoc);
    return { items: await presentRepairs(this.deps, actor, page.items, now), nextCursor: page.nextCursor };
  }

  /** A project's repairs: 404 for a project the actor may not read. */
  async listOfProject(actor: Actor, projectId: string, query: RepairListQuery): Promise<Page<Repair>> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    return this.list(actor, { ...query, projectId });
  }

  async get(actor: Actor, id: string): Promise<Repair> {
    const { doc } = await this.load(actor, id);
    return (await presentRepairs(this.deps, actor, [doc], new Date()))[0]!;
  }

  /** Priority decides the fix deadline (from the start of the round); triage is the first response. */
  async triage(actor: Actor, id: string, input: TriageRepairInput, requestId?: string) {
    const assignee = await this.deps.staffUsers
      .findOne({ _id: new Types.ObjectId(input.assigneeId), active: true, role: { $in: ASSIGNABLE } })
      .lean<StaffUserDoc>();
    if (!assignee)
      throw new ValidationError([{ path: 'body.assigneeId', message: '请选择在职的项目经理、工程师或客服' }]);
    return this.move(actor, id, 'triaged', 'staff', requestId, async (doc, now) => {
      await this.deps.responseClock.answer(clockKey(id, doc.round), personOf(actor), now);
      return {
        priority: input.priority,
        assignee: { id: String(assignee._id), name: assignee.name },
        triagedAt: now,
        resolutionDueAt: this.fixDue(doc.roundOpenedAt, input.priority),
      };
    });
  }

  async schedule(actor: Actor, id: string, input: ScheduleRepairInput, requestId?: string) {
    return this.move(actor, id, 'scheduled', 'staff', requestId, async (doc, now) => {
      // Scheduling straight after a reopening answers that round.
      await this.deps.responseClock.answer(clockKey(id, doc.round), personOf(actor), now);
      return { visitAt: new Date(input.visitAt) };
    });
  }

  async fix(actor: Actor, id: string, input: FixRepairInput, requestId?: string) {
    return this.move(actor, id, 'fixed', 'staff', requestId, async (doc, now) => {
      // One reference per round: the timeline keeps showing each round's fix with its photos.
      if (input.photoIds.length)
        await this.deps.files.attach(actor, input.photoIds, {
          projectId: String(doc.projectId),
          customerVisible: true,
          record: { kind: 'repair_fix', id: `${String(doc._id)}.${doc.round}` },
        });
      return {
        fixNote: input.note,
        fixPhotoIds: input.photoIds.map((p) => new Types.ObjectId(p)),
        fixedAt: now,
        fixedBy: personOf(actor),
      };
    });
  }

  async confirm(actor: Actor, id: string, input: ConfirmRepairInput, requestId?: string) {
    return this.move(actor, id, 'confirmed', 'customer', requestId, (_doc, now) => ({
      confirmedAt: now,
      rating: input.rating,
      ratingComment: input.comment ?? null,
    }));
  }

  /** Not fixed after all: a new round, a new response clock and fresh deadlines. */
  async reopen(actor: Actor, id: string, input: FeedbackReopenInput, requestId?: string) {
    return this.move(actor, id, 'reopened', 'customer', requestId, async (doc, now) => {
      const round = doc.round + 1;
      const [projectId, customerId] = [String(doc.projectId), String(doc.customerId)];
      await this.deps.responseClock.open({
        key: clockKey(id, round),
        kind: 'repair',
        projectId,
        customerId,
        openedAt: now,
      });
      return {
        round,
        roundOpenedAt: now,
        reopenReason: input.reason,
        responseDueAt: addHours(now, this.deps.config.responseHours),
        resolutionDueAt: this.fixDue(now, doc.priority ?? 'normal'),
        visitAt: null,
        fixedAt: null,
        fixedBy: null,
        responseEscalatedAt: null,
        resolutionEscalatedAt: null,
      };
    });
  }

  async cancel(actor: Actor, id: string, input: CancelRepairInput, requestId?: string) {
    return this.move(actor, id, 'cancelled', 'either', requestId, () => ({ cancelReason: input.reason }));
  }

  private fixDue(from: Date, priority: RepairPriority): Date {
    return addHours(from, this.deps.config.resolutionHours[priority]);
  }

  /** Who may, the status machine (409), the update, the audit entry and `repair.<to>`. */
  private async move(
    actor: Actor,
    id: string,
    to: RepairStatus,
    who: Who,
    requestId: string | undefined,
    mutate: Mutation,
  ): Promise<Repair> {
    const { project } = await this.load(actor, id);
    const isCustomer = actor.role === 'customer';
    const allowed =
      who === 'either'
        ? isCustomer || this.mayHandle(actor, project)
        : who === 'customer'
          ? isCustomer
          : this.mayHandle(actor, project);
    if (!allowed) throw new ForbiddenError(who === 'customer' ? '只有客户本人可以确认或返修' : undefined);
    const after = await moveUnderLock<RepairStatus, RepairDoc>({
      lock: this.deps.lock,
      lockKey: lockKey(id),
      lockTtlMs: 15_000,
      model: this.deps.repairs,
      id,
      to,
      canMove: canMoveRepair,
      refusal: (from) =>
        `报修当前为「${REPAIR_STATUS_LABELS[from]}」，不能变更为「${REPAIR_STATUS_LABELS[to]}」`,
      changes: mutate,
      audit: (doc, set) =>
        this.audit(actor, `repair.${to}`, doc._id, { status: doc.status }, auditableFields(set), requestId),
    });
    // A moved visit is a new notice; everything else happens once per round.
    const suffix = to === 'scheduled' ? `:${after.visitAt?.getTime()}` : '';
    await this.publish(`repair.${to}`, after, project, `repair.${to}:${id}:${after.round}${suffix}`);
    if (to === 'fixed') await this.deps.timeline.record(repairTimelineEntry(after, actor));
    return (await presentRepairs(this.deps, actor, [after], new Date()))[0]!;
  }

  private async load(actor: Actor, id: string): Promise<{ doc: RepairDoc; project: ProjectDoc }> {
    const doc = Types.ObjectId.isValid(id) ? await this.deps.repairs.findById(id).lean<RepairDoc>() : null;
    if (!doc) throw new NotFoundError();
    const project = await this.deps.projectAccess.get(actor, String(doc.projectId), 'read');
    return { doc, project };
  }

  /** Customer service and admins handle every repair; the PM and engineers those of their projects. */
  private mayHandle(actor: Actor, project: ProjectDoc): boolean {
    return (
      actor.role === 'admin' || actor.role === 'service' || this.deps.projectAccess.isOnSite(actor, project)
    );
  }

  private async publish(name: string, doc: RepairDoc, project: ProjectDoc, id: string) {
    await this.deps.events.publish(name, repairEventPayload(doc, project), { id });
  }

  private async audit(
    actor: Actor,
    action: string,
    id: Types.ObjectId,
    before: unknown,
    after: unknown,
    requestId?: string,
  ) {
    await this.deps.audit.record({
      actor,
      action,
      resource: REPAIR,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}
