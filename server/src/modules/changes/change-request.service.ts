import { Types } from 'mongoose';
import {
  shanghaiEndOfDay,
  calendarDateOf,
  type AcknowledgeChangeRequestInput,
  type ChangeRequest,
  type ChangeRequestListQuery,
  type ChangeRequestStatus,
  type CreateChangeRequestInput,
  type Page,
  type QuoteChangeRequestInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import { paginateById } from '../../core/pagination';
import { scopeUnder } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { ResponseClockService } from '../feedback/response-clock.service';
import type { FileService } from '../files/file.service';
import type { MilestoneDoc, MilestoneModel } from '../projects/milestone.model';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import { CHANGE_REQUEST, type ChangeOutcomeService } from './change-outcome.service';
import type { ChangeOutcomeModel, ChangeRequestDoc, ChangeRequestModel } from './change-request.model';
import { addDays, dateOnly, presentChangeRequests } from './change-request.view';
import { assertMove, changeLockKey, clockKey, loadChangeRequest } from './change-request.guards';
import type { ContractTotals } from './contract-totals';

export interface ChangeRequestDeps {
  changeRequests: ChangeRequestModel;
  changeOutcomes: ChangeOutcomeModel;
  milestones: MilestoneModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  files: Pick<FileService, 'attach' | 'refs'>;
  responseClock: Pick<ResponseClockService, 'open' | 'answer'>;
  contractTotals: ContractTotals;
  outcomes: ChangeOutcomeService;
  timeline: Pick<TimelineService, 'record'>;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
}

/** Staff who may file a change request for the customer (on a project they can read). */
const FILING_ROLES = ['admin', 'service', 'pm', 'engineer'];
const person = (actor: Actor) => ({ id: actor.id, name: actor.name });

/**
 * Change requests up to the quote: filed by the customer (or staff for them), acknowledged by staff
 * (the first response: stops the response clock), quoted by the PM. Decisions, withdrawal and
 * expiry are ChangeDecisionService's. Status moves run under a Redis lock per request.
 */
export class ChangeRequestService {
  constructor(private readonly deps: ChangeRequestDeps) {}

  async create(actor: Actor, projectId: string, input: CreateChangeRequestInput, requestId?: string) {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    if (actor.kind === 'staff' && !FILING_ROLES.includes(actor.role)) throw new ForbiddenError();
    const _id = new Types.ObjectId();
    if (input.photoIds.length)
      await this.deps.files.attach(actor, input.photoIds, {
        projectId,
        customerVisible: true,
        record: { kind: 'change_request', id: _id },
      });
    const now = new Date();
    const created = await retryTransient(() =>
      this.deps.changeRequests.create({
        _id,
        projectId: project._id,
        customerId: project.customerId,
        title: input.title,
        description: input.description,
        photoIds: input.photoIds.map((id) => new Types.ObjectId(id)),
        wishedDate: input.wishedDate ?? null,
        status: 'submitted',
        requestedBy: { ...person(actor), kind: actor.kind },
        submittedAt: now,
      }),
    );
    const doc = created.toObject<ChangeRequestDoc>();
    await this.deps.responseClock.open({
      key: clockKey(doc._id),
      kind: 'change_request',
      projectId,
      customerId: String(project.customerId),
      openedAt: now,
    });
    await this.audit(
      actor,
      'change_request.submitted',
      doc._id,
      undefined,
      { status: 'submitted' },
      requestId,
    );
    await this.recordOnTimeline(actor, project, doc._id, 'submitted', `提交了变更申请「${doc.title}」`, {
      summary: doc.description,
      photoIds: doc.photoIds,
    });
    await this.publish(
      'change_request.submitted',
      doc,
      project,
      `change_request.submitted:${String(doc._id)}`,
    );
    return this.present(actor, doc, project);
  }

  async list(actor: Actor, projectId: string, query: ChangeRequestListQuery): Promise<Page<ChangeRequest>> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const list = {
      scope: scopeUnder('projectId', project._id),
      narrow: query.status ? { status: query.status } : undefined,
    };
    const page = await paginateById(this.deps.changeRequests, list, query, (d) => d as ChangeRequestDoc);
    return {
      items: await presentChangeRequests(this.deps, actor, page.items, project),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Actor, id: string): Promise<ChangeRequest> {
    const { doc, project } = await loadChangeRequest(this.deps, actor, id);
    return this.present(actor, doc, project);
  }

  /** The first staff response: under review, the response time recorded. */
  async acknowledge(actor: Actor, id: string, input: AcknowledgeChangeRequestInput, requestId?: string) {
    const { project } = await loadChangeRequest(this.deps, actor, id);
    if (!(actor.role === 'admin' || actor.role === 'service' || this.deps.projectAccess.isPm(actor, project)))
      throw new ForbiddenError('只有项目经理、客服或管理员可以受理变更申请');
    return this.move(actor, id, project, 'under_review', requestId, async (doc, now) => {
      const stopped = await this.deps.responseClock.answer(clockKey(doc._id), person(actor), now);
      const seconds = stopped ?? Math.max(0, Math.round((now.getTime() - doc.submittedAt.getTime()) / 1000));
      return {
        acknowledgedAt: now,
        acknowledgedBy: person(actor),
        acknowledgeNote: input.note ?? null,
        firstResponseSeconds: seconds,
      };
    });
  }

  /** The PM's (or an admin's) price and schedule impact; quoting again revises it (version + 1). */
  async quote(actor: Actor, id: string, input: QuoteChangeRequestInput, requestId?: string) {
    const { project } = await loadChangeRequest(this.deps, actor, id);
    if (!(actor.role === 'admin' || this.deps.projectAccess.isPm(actor, project)))
      throw new ForbiddenError('只有本项目的项目经理或管理员可以报价');
    await this.validateQuote(project, input);
    const after = await this.move(actor, id, project, 'quoted', requestId, (doc, now) => ({
      quote: {
        version: (doc.quote?.version ?? 0) + 1,
        costDelta: input.costDelta,
        scheduleDeltaDays: input.scheduleDeltaDays,
        note: input.note,
        validUntil: shanghaiEndOfDay(input.validUntil),
        validUntilDate: input.validUntil,
        affectedFromMilestoneId: input.affectedFromMilestoneId
          ? new Types.ObjectId(input.affectedFromMilestoneId)
          : null,
        quotedBy: person(actor),
        quotedAt: now,
      },
    }));
    const title = `变更「${after.title}」已报价，待客户确认`;
    const what = `quoted:${after.quote?.version ?? 1}`;
    await this.recordOnTimeline(actor, project, new Types.ObjectId(id), what, title, {
      summary: after.quote?.note ?? '',
    });
    return after;
  }

  private async validateQuote(project: ProjectDoc, input: QuoteChangeRequestInput): Promise<void> {
    const issues: Array<{ path: string; message: string }> = [];
    if (input.validUntil < calendarDateOf(new Date()))
      issues.push({ path: 'body.validUntil', message: '报价有效期不能早于今天' });
    if (addDays(dateOnly(project.plannedEnd), input.scheduleDeltaDays) < dateOnly(project.plannedStart))
      issues.push({ path: 'body.scheduleDeltaDays', message: '工期缩短后完工日期早于项目开工日期' });
    if (input.affectedFromMilestoneId) {
      const m = await this.deps.milestones
        .findOne(
          { _id: new Types.ObjectId(input.affectedFromMilestoneId), projectId: project._id },
          { status: 1 },
        )
        .lean<Pick<MilestoneDoc, 'status'>>();
      if (!m) issues.push({ path: 'body.affectedFromMilestoneId', message: '节点不属于该项目' });
      else if (m.status === 'confirmed')
        issues.push({ path: 'body.affectedFromMilestoneId', message: '已确认的节点不能调整日期' });
    }
    if (issues.length) throw new ValidationError(issues);
  }

  /** One status move under the request's lock: machine check, update, audit, event for quotes. */
  private async move(
    actor: Actor,
    id: string,
    project: ProjectDoc,
    to: ChangeRequestStatus,
    requestId: string | undefined,
    mutate: (
      doc: ChangeRequestDoc,
      now: Date,
    ) => Promise<Partial<ChangeRequestDoc>> | Partial<ChangeRequestDoc>,
  ): Promise<ChangeRequest> {
    const after = await this.deps.lock.withLock(changeLockKey(id), 15_000, async () => {
      const doc = await this.deps.changeRequests.findById(id).lean<ChangeRequestDoc>();
      if (!doc) throw new NotFoundError();
      const outcome = await this.deps.outcomes.find(doc._id);
      assertMove(outcome?.outcome ?? doc.status, to);
      const now = new Date();
      const set = { ...(await mutate(doc, now)), status: to };
      await retryTransient(() => this.deps.changeRequests.updateOne({ _id: doc._id }, { $set: set }));
      await this.audit(actor, `change_request.${to}`, doc._id, { status: doc.status }, set, requestId);
      return { ...doc, ...set, updatedAt: now } as ChangeRequestDoc;
    });
    if (to === 'quoted')
      await this.publish(
        'change_request.quoted',
        after,
        project,
        `change_request.quoted:${id}:${after.quote?.version}`,
      );
    return this.present(actor, after, project);
  }

  /** A customer-visible timeline entry keyed `change_request.<what>:<id>[:<version>]` (idempotent). */
  private recordOnTimeline(
    actor: Actor,
    project: ProjectDoc,
    id: Types.ObjectId,
    what: string,
    title: string,
    extra: { summary?: string; photoIds?: Types.ObjectId[] },
  ) {
    const [event, ...rest] = what.split(':');
    return this.deps.timeline.record({
      key: [`change_request.${event}`, String(id), ...rest].join(':'),
      projectId: project._id,
      kind: 'change_request',
      refId: id,
      occurredAt: new Date(),
      customerVisible: true,
      title,
      ...extra,
      actor: person(actor),
    });
  }

  private async present(actor: Actor, doc: ChangeRequestDoc, project: ProjectDoc) {
    return (await presentChangeRequests(this.deps, actor, [doc], project))[0]!;
  }

  private async publish(name: string, doc: ChangeRequestDoc, project: ProjectDoc, id: string) {
    await this.deps.events.publish(
      name,
      {
        customerId: String(doc.customerId),
        pmId: project.pmId ? String(project.pmId) : undefined,
        changeRequestId: String(doc._id),
        projectId: String(project._id),
        projectName: project.name,
        title: doc.title,
        costDelta: doc.quote?.costDelta ?? null,
        scheduleDeltaDays: doc.quote?.scheduleDeltaDays ?? null,
        validUntil: doc.quote?.validUntilDate ?? null,
        quoteVersion: doc.quote?.version ?? null,
      },
      { id },
    );
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
      resource: CHANGE_REQUEST,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}
