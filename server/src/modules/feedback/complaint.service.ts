import { Types } from 'mongoose';
import {
  COMPLAINT_CATEGORY_LABELS,
  COMPLAINT_STATUS_LABELS,
  canMoveComplaint,
  type AcknowledgeComplaintInput,
  type Complaint,
  type ComplaintListQuery,
  type ComplaintStatus,
  type CreateComplaintInput,
  type FeedbackReopenInput,
  type Page,
  type ResolveComplaintInput,
} from '@gantry/shared';
import { auditableFields, type AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import type { EventBus, EventPayload } from '../../core/events';
import { paginateById } from '../../core/pagination';
import type { MongoFilter, Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import { moveUnderLock } from '../../core/status-move';
import type { FileService } from '../files/file.service';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ComplaintDoc, ComplaintModel } from './complaint.model';
import { COMPLAINT_DEADLINES, presentComplaints } from './complaint.present';
import type { FeedbackConfig } from './escalation.config';
import { addHours, overdueFilter, personOf, projectScope, raiserOf, short } from './escalation.deadlines';
import type { ResponseClockService } from './response-clock.service';

export const COMPLAINT = 'complaint';

export interface ComplaintServiceDeps {
  complaints: ComplaintModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  policy: Policy;
  files: Pick<FileService, 'attach' | 'refs'>;
  responseClock: Pick<ResponseClockService, 'open' | 'answer'>;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  config: FeedbackConfig['complaint'];
}

/** Staff who may log a complaint for a customer (on a project they can read). */
const LOGGING_ROLES = ['admin', 'service', 'pm', 'engineer'];
const lockKey = (id: string) => `lock:feedback:complaint:${id}`;
/** Round 1 is `complaint:<id>` (the key other modules expect); a reopening is a new request. */
const clockKey = (id: string, round: number) =>
  round === 1 ? `complaint:${id}` : `complaint:${id}:${round}`;

type Mutation = (doc: ComplaintDoc, now: Date) => Promise<Partial<ComplaintDoc>> | Partial<ComplaintDoc>;

/**
 * Complaints: raised by the customer (or logged by staff for them) against a project, answered by
 * the project's PM or customer service, resolved, and accepted or reopened by the customer. Every
 * move goes through the status machine under a Redis lock (FerretDB v1's guarded updates are not
 * atomic) and is audited. Deadlines are stored on the record; the escalation job reads them.
 */
export class ComplaintService {
  constructor(private readonly deps: ComplaintServiceDeps) {}

  async create(actor: Actor, input: CreateComplaintInput, requestId?: string): Promise<Complaint> {
    const project = await this.deps.projectAccess.get(actor, input.projectId, 'read');
    if (actor.kind === 'staff' && !LOGGING_ROLES.includes(actor.role)) throw new ForbiddenError();
    if (actor.kind === 'portal' && input.receivedAt)
      throw new ValidationError([{ path: 'body.receivedAt', message: '只有员工代客户登记时可以填写' }]);
    const now = new Date();
    const openedAt = input.receivedAt ? new Date(input.receivedAt) : now;
    const _id = new Types.ObjectId();
    if (input.photoIds.length)
      await this.deps.files.attach(actor, input.photoIds, {
        projectId: input.projectId,
        customerVisible: true,
        record: { kind: 'complaint', id: _id },
      });
    const created = await retryTransient(() =>
      this.deps.complaints.create({
        _id,
        projectId: project._id,
        customerId: project.customerId,
        category: input.category,
        description: input.description,
        photoIds: input.photoIds.map((id) => new Types.ObjectId(id)),
        status: 'open',
        round: 1,
        raisedBy: raiserOf(actor),
        openedAt,
        roundOpenedAt: openedAt,
        responseDueAt: addHours(openedAt, this.deps.config.responseHours),
        resolutionDueAt: addHours(openedAt, this.deps.config.resolutionHours),
      }),
    );
    const doc = created.toObject<ComplaintDoc>();
    const id = String(doc._id);
    await this.deps.responseClock.open({
      key: clockKey(id, 1),
      kind: 'complaint',
      projectId: input.projectId,
      customerId: String(project.customerId),
      openedAt,
    });
    await this.audit(actor, 'complaint.opened', doc._id, undefined, { status: 'open', openedAt }, requestId);
    await this.publish('complaint.opened', doc, project, `complaint.opened:${id}`);
    return (await presentComplaints(this.deps, actor, [doc], now))[0]!;
  }

  async list(actor: Actor, query: ComplaintListQuery): Promise<Page<Complaint>> {
    const filter: MongoFilter = {};
    if (query.status) filter.status = query.status;
    if (query.projectId) filter.projectId = new Types.ObjectId(query.projectId);
    const now = new Date();
    const overdue = overdueFilter(COMPLAINT_DEADLINES, now);
    const narrow: MongoFilter[] = [filter];
    if (query.overdue === true) narrow.push(overdue);
    if (query.overdue === false) narrow.push({ $nor: overdue.$or });
    const list = { scope: await projectScope(this.deps, actor), narrow };
    const page = await paginateById(this.deps.complaints, list, query, (d) => d as ComplaintDoc);
    return { items: await presentComplaints(this.deps, actor, page.items, now), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<Complaint> {
    const { doc } = await this.load(actor, id);
    return (await presentComplaints(this.deps, actor, [doc], new Date()))[0]!;
  }

  /** The first staff response: stops the response clock. */
  async acknowledge(actor: Actor, id: string, input: AcknowledgeComplaintInput, requestId?: string) {
    return this.move(actor, id, 'acknowledged', 'staff', requestId, async (doc, now) => {
      await this.deps.responseClock.answer(clockKey(id, doc.round), personOf(actor), now);
      return { acknowledgedAt: now, acknowledgedBy: personOf(actor), acknowledgeNote: input.note ?? null };
    });
  }

  async resolve(actor: Actor, id: string, input: ResolveComplaintInput, requestId?: string) {
    const after = await this.move(actor, id, 'resolved', 'staff', requestId, async (doc, now) => {
      // One reference per round: the timeline keeps showing each round's resolution with its photos.
      if (input.photoIds.length)
        await this.deps.files.attach(actor, input.photoIds, {
          projectId: String(doc.projectId),
          customerVisible: true,
          record: { kind: 'complaint_resolution', id: `${String(doc._id)}.${doc.round}` },
        });
      // Resolving an unacknowledged complaint is its first response.
      await this.deps.responseClock.answer(clockKey(id, doc.round), personOf(actor), now);
      return {
        resolution: input.resolution,
        resolutionPhotoIds: input.photoIds.map((p) => new Types.ObjectId(p)),
        resolvedAt: now,
        resolvedBy: personOf(actor),
        ...(doc.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: personOf(actor) }),
      };
    });
    return after;
  }

  /** The customer accepts the resolution: closed for good. */
  async accept(actor: Actor, id: string, requestId?: string) {
    return this.move(actor, id, 'closed', 'customer', requestId, (_doc, now) => ({ closedAt: now }));
  }

  /** The customer is not satisfied: a new round with fresh deadlines and a new response clock. */
  async reopen(actor: Actor, id: string, input: FeedbackReopenInput, requestId?: string) {
    return this.move(actor, id, 'open', 'customer', requestId, async (doc, now) => {
      const round = doc.round + 1;
      await this.deps.responseClock.open({
        key: clockKey(id, round),
        kind: 'complaint',
        projectId: String(doc.projectId),
        customerId: String(doc.customerId),
        openedAt: now,
      });
      return {
        round,
        roundOpenedAt: now,
        responseDueAt: addHours(now, this.deps.config.responseHours),
        resolutionDueAt: addHours(now, this.deps.config.resolutionHours),
        reopenReason: input.reason,
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgeNote: null,
        resolvedAt: null,
        resolvedBy: null,
        responseEscalatedAt: null,
        resolutionEscalatedAt: null,
      };
    });
  }

  /**
   * One status move: who may make it, the status machine (409 otherwise), the update, the audit
   * entry and the event `complaint.<to>` (`complaint.reopened` for a reopening).
   */
  private async move(
    actor: Actor,
    id: string,
    to: ComplaintStatus,
    by: 'staff' | 'customer',
    requestId: string | undefined,
    mutate: Mutation,
  ): Promise<Complaint> {
    const { project } = await this.load(actor, id);
    if (by === 'customer' ? actor.role !== 'customer' : !this.mayHandle(actor, project))
      throw new ForbiddenError(by === 'customer' ? '只有客户本人可以确认或重新打开投诉' : undefined);
    const event = to === 'open' ? 'reopened' : to;
    const after = await moveUnderLock<ComplaintStatus, ComplaintDoc>({
      lock: this.deps.lock,
      lockKey: lockKey(id),
      lockTtlMs: 15_000,
      model: this.deps.complaints,
      id,
      to,
      canMove: canMoveComplaint,
      refusal: (from) =>
        `投诉当前为「${COMPLAINT_STATUS_LABELS[from]}」，不能变更为「${COMPLAINT_STATUS_LABELS[to]}」`,
      changes: mutate,
      audit: (doc, set) =>
        this.audit(
          actor,
          `complaint.${event}`,
          doc._id,
          { status: doc.status },
          auditableFields(set),
          requestId,
        ),
    });
    await this.publish(`complaint.${event}`, after, project, `complaint.${event}:${id}:${after.round}`);
    return (await presentComplaints(this.deps, actor, [after], new Date()))[0]!;
  }

  /** The complaint and its project, or 404 when either is missing or the project unreadable. */
  private async load(actor: Actor, id: string): Promise<{ doc: ComplaintDoc; project: ProjectDoc }> {
    const doc = Types.ObjectId.isValid(id)
      ? await this.deps.complaints.findById(id).lean<ComplaintDoc>()
      : null;
    if (!doc) throw new NotFoundError();
    const project = await this.deps.projectAccess.get(actor, String(doc.projectId), 'read');
    return { doc, project };
  }

  /** Customer service and admins handle every complaint; a PM those of their projects. */
  private mayHandle(actor: Actor, project: ProjectDoc): boolean {
    return actor.role === 'admin' || actor.role === 'service' || this.deps.projectAccess.isPm(actor, project);
  }

  private async publish(name: string, doc: ComplaintDoc, project: ProjectDoc, id: string) {
    const payload: EventPayload = {
      customerId: String(doc.customerId),
      pmId: project.pmId ? String(project.pmId) : undefined,
      complaintId: String(doc._id),
      projectId: String(doc.projectId),
      projectName: project.name,
      subject: short(doc.description),
      categoryLabel: COMPLAINT_CATEGORY_LABELS[doc.category],
      status: doc.status,
      round: doc.round,
    };
    await this.deps.events.publish(name, payload, { id });
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
      resource: COMPLAINT,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}
