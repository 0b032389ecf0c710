import { Types } from 'mongoose';
import type {
  CreateMilestoneInput,
  MilestoneDetail,
  MilestoneStatus,
  MilestoneView,
  SubmitMilestoneInput,
  UpdateMilestoneInput,
} from '@gantry/shared';
import { dateOfCalendarDate } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  isDuplicateKeyError,
} from '../../core/errors';
import type { MilestoneDoc } from './milestone.model';
import {
  MAX_MILESTONES_PER_PROJECT,
  MILESTONE,
  assertMove,
  loadMilestone,
  milestoneLockKey,
  type MilestoneDeps,
} from './milestone.common';
import { milestoneDetail, milestoneView, photoMap } from './milestone.view';
import type { ProjectDoc } from './project.model';

/**
 * Milestones of a project: list, read, add and edit (the PM or an admin), start and submit for the
 * customer's confirmation (the PM or an engineer on the project). Status moves run under a Redis
 * lock per milestone; the submission of a round is made exactly-once by the unique
 * (milestoneId, round) of milestone_rounds. Decisions are MilestoneDecisionService's.
 */
export class MilestoneService {
  constructor(private readonly deps: MilestoneDeps) {}

  private get autoConfirmMs() {
    return this.deps.autoConfirmDays * 86_400_000;
  }

  async list(actor: Actor, projectId: string): Promise<{ items: MilestoneView[] }> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const milestones = await this.deps.milestones
      .find({ projectId: project._id })
      .sort({ seq: 1, _id: 1 })
      .limit(MAX_MILESTONES_PER_PROJECT)
      .lean<MilestoneDoc[]>();
    const ids = milestones.map((m) => m._id);
    const [rounds, decisions] = await Promise.all([
      this.deps.milestoneRounds.find({ milestoneId: { $in: ids } }).lean(),
      this.deps.milestoneDecisions.find({ milestoneId: { $in: ids } }).lean(),
    ]);
    const current = <T extends { milestoneId: Types.ObjectId; round: number }>(
      list: T[],
      m: string,
      r: number,
    ) => list.find((x) => String(x.milestoneId) === m && x.round === r);
    const roundsNow = milestones.flatMap((m) => current(rounds, String(m._id), m.round) ?? []);
    const decisionsNow = milestones.flatMap((m) => current(decisions, String(m._id), m.decidedRound) ?? []);
    const photos = await photoMap(this.deps.files, actor, [...roundsNow, ...decisionsNow]);
    const items = milestones.map((m) =>
      milestoneView(
        m,
        {
          round: current(roundsNow, String(m._id), m.round),
          decision: current(decisionsNow, String(m._id), m.decidedRound),
        },
        photos,
        this.autoConfirmMs,
      ),
    );
    return { items };
  }

  async get(actor: Actor, id: string): Promise<MilestoneDetail> {
    const { milestone } = await loadMilestone(this.deps, actor, id);
    return this.detail(actor, milestone);
  }

  async create(actor: Actor, projectId: string, input: CreateMilestoneInput, requestId?: string) {
    const project = await this.deps.projectAccess.get(actor, projectId, 'change');
    const existing = await this.deps.milestones
      .find({ projectId: project._id }, { seq: 1 })
      .lean<Array<Pick<MilestoneDoc, 'seq'>>>();
    if (existing.length >= MAX_MILESTONES_PER_PROJECT)
      throw new ConflictError('CONFLICT', `每个项目最多 ${MAX_MILESTONES_PER_PROJECT} 个节点`);
    const seq = input.seq ?? Math.max(-1, ...existing.map((m) => m.seq)) + 1;
    const doc = await retryTransient(() =>
      this.deps.milestones.create({
        projectId: project._id,
        seq,
        name: input.name,
        weight: input.weight,
        plannedStart: dateOfCalendarDate(input.plannedStart),
        plannedEnd: dateOfCalendarDate(input.plannedEnd),
      }),
    );
    await this.audit(actor, 'milestone.create', doc._id, undefined, { name: doc.name, seq }, requestId);
    return this.detail(actor, doc.toObject());
  }

  async update(actor: Actor, id: string, patch: UpdateMilestoneInput, requestId?: string) {
    const { milestone } = await loadMilestone(this.deps, actor, id, 'change');
    const set: Record<string, unknown> = { ...patch };
    if (patch.plannedStart) set.plannedStart = dateOfCalendarDate(patch.plannedStart);
    if (patch.plannedEnd) set.plannedEnd = dateOfCalendarDate(patch.plannedEnd);
    const start = (set.plannedStart as Date | undefined) ?? milestone.plannedStart;
    const end = (set.plannedEnd as Date | undefined) ?? milestone.plannedEnd;
    if (start > end)
      throw new ValidationError([{ path: 'body.plannedEnd', message: '计划完成日期不能早于计划开始日期' }]);
    const updated = await this.deps.milestones
      .findByIdAndUpdate(milestone._id, { $set: set }, { returnDocument: 'after' })
      .lean<MilestoneDoc>();
    if (!updated) throw new NotFoundError();
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, milestone[k as keyof MilestoneDoc]]));
    await this.audit(actor, 'milestone.update', milestone._id, before, set, requestId);
    return this.detail(actor, updated);
  }

  /** pending → in_progress by the PM or an engineer on the project; sets the actual start. */
  async start(actor: Actor, id: string, requestId?: string): Promise<MilestoneDetail> {
    const { milestone, project } = await loadMilestone(this.deps, actor, id);
    this.assertOnSite(actor, project);
    const updated = await this.deps.lock.withLock(milestoneLockKey(milestone._id), 10_000, async () => {
      const fresh = await this.deps.milestones.findById(milestone._id).lean<MilestoneDoc>();
      if (!fresh) throw new NotFoundError();
      assertMove(fresh.status, 'in_progress');
      const set = { status: 'in_progress', actualStart: fresh.actualStart ?? new Date() };
      return this.deps.milestones
        .findOneAndUpdate(
          { _id: fresh._id, status: fresh.status },
          { $set: set },
          { returnDocument: 'after' },
        )
        .lean<MilestoneDoc>();
    });
    if (!updated) throw new ConflictError('CONFLICT', '节点已被他人修改，请刷新后重试');
    await this.statusAudit(actor, milestone, milestone.status, 'in_progress', requestId);
    return this.detail(actor, updated);
  }

  /** in_progress → awaiting_confirmation with evidence; the customer is asked to confirm. */
  async submit(actor: Actor, id: string, input: SubmitMilestoneInput, requestId?: string) {
    const { milestone, project } = await loadMilestone(this.deps, actor, id);
    this.assertOnSite(actor, project);
    const { updated, round } = await this.deps.lock.withLock(milestoneLockKey(milestone._id), 15_000, () =>
      this.recordSubmission(actor, milestone._id, project, input),
    );
    await this.statusAudit(actor, updated, 'in_progress', 'awaiting_confirmation', requestId, { round });
    await this.deps.timeline.record({
      key: `milestone.submitted:${String(updated._id)}:${round}`,
      projectId: project._id,
      kind: 'milestone',
      refId: updated._id,
      occurredAt: updated.submittedAt ?? new Date(),
      customerVisible: true,
      title: `「${updated.name}」已完工，待客户确认`,
      summary: input.note,
      photoIds: input.photoIds,
      actor: { id: actor.id, name: actor.name },
    });
    await this.deps.events.publish(
      'milestone.awaiting_confirmation',
      {
        customerId: String(project.customerId),
        pmId: project.pmId ? String(project.pmId) : undefined,
        projectId: String(project._id),
        projectName: project.name,
        milestoneId: String(updated._id),
        milestoneName: updated.name,
        round,
        submittedAt: (updated.submittedAt ?? new Date()).toISOString(),
        autoConfirmDays: this.deps.autoConfirmDays,
      },
      { id: `milestone.awaiting_confirmation:${String(updated._id)}:${round}` },
    );
    return this.detail(actor, updated);
  }

  private async recordSubmission(
    actor: Actor,
    milestoneId: Types.ObjectId,
    project: ProjectDoc,
    input: SubmitMilestoneInput,
  ) {
    const fresh = await this.deps.milestones.findById(milestoneId).lean<MilestoneDoc>();
    if (!fresh) throw new NotFoundError();
    assertMove(fresh.status, 'awaiting_confirmation');
    const round = fresh.round + 1;
    // Milestone and round name the round before it exists: a retry after a crash names it again.
    await this.deps.files.attach(actor, input.photoIds, {
      projectId: String(project._id),
      customerVisible: true,
      record: { kind: 'milestone_round', id: `${String(milestoneId)}.${round}` },
    });
    const at = new Date();
    try {
      await retryTransient(() =>
        this.deps.milestoneRounds.create({
          milestoneId,
          projectId: project._id,
          round,
          note: input.note,
          photoIds: input.photoIds.map((p) => new Types.ObjectId(p)),
          by: { id: actor.id, name: actor.name },
          at,
        }),
      );
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new ConflictError('CONFLICT', '该节点本轮已提交');
      throw err;
    }
    const updated = await this.deps.milestones
      .findByIdAndUpdate(
        milestoneId,
        { $set: { status: 'awaiting_confirmation', round, submittedAt: at } },
        { returnDocument: 'after' },
      )
      .lean<MilestoneDoc>();
    if (!updated) throw new NotFoundError();
    return { updated, round };
  }

  private assertOnSite(actor: Actor, project: ProjectDoc): void {
    if (!this.deps.projectAccess.isOnSite(actor, project))
      throw new ForbiddenError('只有项目经理或本项目的工程师可以操作');
  }

  private async detail(actor: Actor, m: MilestoneDoc): Promise<MilestoneDetail> {
    const [rounds, decisions] = await Promise.all([
      this.deps.milestoneRounds.find({ milestoneId: m._id }).sort({ round: 1 }).lean(),
      this.deps.milestoneDecisions.find({ milestoneId: m._id }).sort({ round: 1 }).lean(),
    ]);
    const photos = await photoMap(this.deps.files, actor, [...rounds, ...decisions]);
    return milestoneDetail(m, rounds, decisions, photos, this.autoConfirmMs);
  }

  private statusAudit(
    actor: Actor,
    m: MilestoneDoc,
    from: MilestoneStatus,
    to: MilestoneStatus,
    requestId?: string,
    extra: Record<string, unknown> = {},
  ) {
    return this.audit(
      actor,
      'milestone.status',
      m._id,
      { status: from },
      { status: to, ...extra },
      requestId,
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
      resource: MILESTONE,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}
