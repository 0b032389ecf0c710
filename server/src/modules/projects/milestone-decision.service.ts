import { Types } from 'mongoose';
import type { ConfirmMilestoneInput, MilestoneDecisionResult } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ConflictError, ForbiddenError, NotFoundError, isDuplicateKeyError } from '../../core/errors';
import type { MilestoneDecisionDoc, MilestoneDoc } from './milestone.model';
import {
  MILESTONE,
  assertMove,
  loadMilestone,
  milestoneLockKey,
  type MilestoneDeps,
} from './milestone.common';
import { decisionResult } from './milestone.view';
import type { ProjectDoc } from './project.model';

interface DecisionInput {
  decision: 'confirm' | 'reject';
  comment: string;
  photoIds: string[];
  by: { id: string; name: string } | null;
  automatic: boolean;
}

const sameDecision = (d: MilestoneDecisionDoc, input: DecisionInput) =>
  d.decision === input.decision &&
  d.comment === input.comment &&
  d.automatic === input.automatic &&
  d.photoIds.map(String).join() === input.photoIds.join();

/**
 * The customer's decision on a submitted milestone, and the automatic confirmation after the
 * window. Exactly one decision per (milestoneId, round) rests on the unique index of
 * milestone_decisions: whoever inserts it applies it (status, audit, timeline, event); a customer's
 * identical retry gets the same answer, a different one 409. The Redis lock per milestone only
 * serialises the callers so that a retry answers after the winner has applied its decision.
 */
export class MilestoneDecisionService {
  constructor(private readonly deps: MilestoneDeps) {}

  async confirm(
    actor: Actor,
    id: string,
    input: ConfirmMilestoneInput,
    requestId?: string,
  ): Promise<MilestoneDecisionResult> {
    if (actor.role !== 'customer') throw new ForbiddenError('只有客户本人可以确认节点');
    const { milestone, project } = await loadMilestone(this.deps, actor, id);
    const decision: DecisionInput = {
      decision: input.decision,
      comment: input.comment,
      photoIds: input.photoIds,
      by: { id: actor.id, name: actor.name },
      automatic: false,
    };
    return this.deps.lock.withLock(milestoneLockKey(milestone._id), 15_000, () =>
      this.decide(actor, milestone._id, project, decision, input.round, requestId),
    );
  }

  /** Confirms every milestone that has awaited confirmation longer than the window. */
  async autoConfirmDue(now = new Date(), limit = 500): Promise<{ confirmed: number }> {
    const cutoff = new Date(now.getTime() - this.deps.autoConfirmDays * 86_400_000);
    const due = await this.deps.milestones
      .find({ status: 'awaiting_confirmation', submittedAt: { $lte: cutoff } })
      .sort({ submittedAt: 1 })
      .limit(limit)
      .lean<MilestoneDoc[]>();
    let confirmed = 0;
    for (const m of due) {
      const project = await this.deps.projects.findById(m.projectId).lean<ProjectDoc>();
      if (!project) continue;
      const input: DecisionInput = {
        decision: 'confirm',
        comment: '',
        photoIds: [],
        by: null,
        automatic: true,
      };
      try {
        await this.deps.lock.withLock(milestoneLockKey(m._id), 15_000, () =>
          this.decide(null, m._id, project, input, m.round),
        );
        confirmed += 1;
      } catch (err) {
        // The customer decided first (409): nothing to do for this one.
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    return { confirmed };
  }

  private async decide(
    actor: Actor | null,
    milestoneId: Types.ObjectId,
    project: ProjectDoc,
    input: DecisionInput,
    round: number | undefined,
    requestId?: string,
  ): Promise<MilestoneDecisionResult> {
    const m = await this.deps.milestones.findById(milestoneId).lean<MilestoneDoc>();
    if (!m) throw new NotFoundError();
    const target = round ?? m.round;
    const earlier = target > 0 ? await this.findDecision(m._id, target) : null;
    if (earlier) {
      // Recorded by a call or job run that died before applying it: the decision stands, so apply it
      // now (once: applying moves the milestone out of awaiting_confirmation for this round).
      if (earlier.round === m.round && m.decidedRound !== m.round && m.status === 'awaiting_confirmation')
        await this.apply(actor, m, project, earlier, requestId);
      return this.answerRetry(earlier, input);
    }
    if (target !== m.round) throw new ConflictError('CONFLICT', '节点已重新提交，请刷新后查看');
    assertMove(m.status, input.decision === 'confirm' ? 'confirmed' : 'rejected');
    if (actor && input.photoIds.length > 0)
      await this.deps.files.attach(actor, input.photoIds, {
        projectId: String(project._id),
        customerVisible: true,
        record: { kind: 'milestone_decision', id: `${String(m._id)}.${m.round}` },
      });
    let decision: MilestoneDecisionDoc;
    try {
      decision = (
        await retryTransient(() =>
          this.deps.milestoneDecisions.create({
            milestoneId: m._id,
            projectId: m.projectId,
            round: m.round,
            decision: input.decision,
            comment: input.comment,
            photoIds: input.photoIds.map((p) => new Types.ObjectId(p)),
            by: input.by,
            automatic: input.automatic,
            at: new Date(),
          }),
        )
      ).toObject();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await this.findDecision(m._id, m.round);
      if (!winner) throw err;
      return this.answerRetry(winner, input);
    }
    await this.apply(actor, m, project, decision, requestId);
    return decisionResult(decision);
  }

  private findDecision(milestoneId: Types.ObjectId, round: number) {
    return this.deps.milestoneDecisions.findOne({ milestoneId, round }).lean<MilestoneDecisionDoc>();
  }

  private answerRetry(existing: MilestoneDecisionDoc, input: DecisionInput): MilestoneDecisionResult {
    if (sameDecision(existing, input)) return decisionResult(existing);
    throw new ConflictError(
      'CONFLICT',
      existing.decision === 'confirm' ? '该节点本轮已确认' : '该节点本轮已驳回',
      { decision: decisionResult(existing) },
    );
  }

  private async apply(
    actor: Actor | null,
    m: MilestoneDoc,
    project: ProjectDoc,
    d: MilestoneDecisionDoc,
    requestId?: string,
  ): Promise<void> {
    const confirm = d.decision === 'confirm';
    const set = confirm
      ? { status: 'confirmed', actualEnd: d.at, decidedRound: d.round }
      : { status: 'in_progress', decidedRound: d.round, submittedAt: null };
    await retryTransient(() => this.deps.milestones.updateOne({ _id: m._id }, { $set: set }));
    const audit = (from: string, to: string) =>
      this.deps.audit.record({
        actor,
        action: 'milestone.status',
        resource: MILESTONE,
        resourceId: m._id,
        before: { status: from },
        after: { status: to, round: d.round, automatic: d.automatic, comment: d.comment || undefined },
        requestId,
      });
    if (confirm) await audit('awaiting_confirmation', 'confirmed');
    else {
      await audit('awaiting_confirmation', 'rejected');
      await audit('rejected', 'in_progress');
    }
    await this.recordTimeline(m, project, d);
    await this.publish(m, project, d);
  }

  private recordTimeline(m: MilestoneDoc, project: ProjectDoc, d: MilestoneDecisionDoc) {
    const kind = d.automatic ? 'auto_confirmed' : d.decision === 'confirm' ? 'confirmed' : 'rejected';
    const titles = {
      confirmed: `客户已确认「${m.name}」`,
      auto_confirmed: `「${m.name}」超过确认期限，已自动确认`,
      rejected: `客户驳回了「${m.name}」`,
    };
    return this.deps.timeline.record({
      key: `milestone.${kind}:${String(m._id)}:${d.round}`,
      projectId: project._id,
      kind: 'milestone',
      refId: m._id,
      occurredAt: d.at,
      customerVisible: true,
      title: titles[kind],
      summary: d.comment,
      photoIds: d.photoIds,
      actor: d.by,
    });
  }

  /**
   * milestone.confirmed / milestone.rejected carry what payments need (milestoneId, projectId,
   * customerId). An automatic confirmation also publishes milestone.confirmed (payments make the
   * installment due either way) but without the pm audience, so the PM is not told "the customer
   * confirmed": milestone.auto_confirmed tells both sides instead.
   */
  private async publish(m: MilestoneDoc, project: ProjectDoc, d: MilestoneDecisionDoc) {
    const id = String(m._id);
    const payload = {
      customerId: String(project.customerId),
      projectId: String(project._id),
      projectName: project.name,
      milestoneId: id,
      milestoneName: m.name,
      round: d.round,
      automatic: d.automatic,
      decidedAt: d.at.toISOString(),
    };
    const pmId = project.pmId ? String(project.pmId) : undefined;
    if (d.decision === 'reject') {
      await this.deps.events.publish(
        'milestone.rejected',
        { ...payload, pmId, reason: d.comment },
        { id: `milestone.rejected:${id}:${d.round}` },
      );
      return;
    }
    await this.deps.events.publish('milestone.confirmed', d.automatic ? payload : { ...payload, pmId }, {
      id: `milestone.confirmed:${id}:${d.round}`,
    });
    if (d.automatic)
      await this.deps.events.publish(
        'milestone.auto_confirmed',
        {
          ...payload,
          pmId,
          staffIds: project.engineerIds.map(String),
          autoConfirmDays: this.deps.autoConfirmDays,
        },
        { id: `milestone.auto_confirmed:${id}:${d.round}` },
      );
  }
}
