import type { Types } from 'mongoose';
import {
  CHANGE_REQUEST_STATUS_LABELS,
  type ChangeDecisionInput,
  type ChangeRequest,
  type ChangeRequestOutcome,
  type WithdrawChangeRequestInput,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ProjectDoc } from '../projects/project.model';
import type { ChangeOutcomeService, NewOutcome } from './change-outcome.service';
import type { ChangeOutcomeDoc, ChangeRequestDoc } from './change-request.model';
import { assertMove, changeLockKey, loadChangeRequest } from './change-request.guards';
import type { ChangeRequestDeps } from './change-request.service';
import { affectedMilestoneIds } from './change-schedule';
import { liveImpact, presentChangeRequests } from './change-request.view';

export interface ChangeDecisionDeps extends ChangeRequestDeps {
  outcomes: ChangeOutcomeService;
  logger: Logger;
}

type OutcomeDraft = (doc: ChangeRequestDoc, now: Date) => Promise<NewOutcome>;

/**
 * The final outcomes of a change request: the customer's approval or rejection, the requester's
 * withdrawal, the expiry of a quote. Each is one outcome record (unique per request) followed by
 * its recorded steps (ChangeOutcomeService). A repeated identical call answers the recorded outcome
 * and finishes whatever steps a crash left undone; a different one gets 409.
 */
export class ChangeDecisionService {
  constructor(private readonly deps: ChangeDecisionDeps) {}

  async decide(
    actor: Actor,
    id: string,
    input: ChangeDecisionInput,
    requestId?: string,
  ): Promise<ChangeRequest> {
    if (actor.role !== 'customer') throw new ForbiddenError('只有客户本人可以批准或拒绝变更');
    const { project } = await loadChangeRequest(this.deps, actor, id);
    const outcome: ChangeRequestOutcome = input.decision === 'approve' ? 'approved' : 'rejected';
    await this.conclude(actor, id, project, outcome, requestId, async (doc, now) => {
      const quote = doc.quote;
      if (!quote) throw new ConflictError('CONFLICT', '变更尚未报价');
      if (input.quoteVersion !== undefined && input.quoteVersion !== quote.version)
        throw new AppError('CHANGE_QUOTE_OUTDATED', undefined, { quoteVersion: quote.version });
      if (quote.validUntil.getTime() <= now.getTime()) throw new AppError('CHANGE_QUOTE_EXPIRED');
      const impact = await liveImpact(this.deps.contractTotals, project, quote);
      const milestoneIds =
        outcome === 'approved' && quote.scheduleDeltaDays !== 0
          ? await affectedMilestoneIds(this.deps.milestones, project._id, quote.affectedFromMilestoneId)
          : [];
      return {
        ...this.base(doc, outcome, now),
        by: { id: actor.id, name: actor.name },
        comment: input.comment,
        quote: {
          version: quote.version,
          costDelta: quote.costDelta,
          scheduleDeltaDays: quote.scheduleDeltaDays,
          affectedFromMilestoneId: quote.affectedFromMilestoneId,
          milestoneIds,
          ...impact,
        },
      };
    });
    return this.present(actor, id, project);
  }

  /** The requester takes it back before a decision: the customer, or the staff member who filed it. */
  async withdraw(actor: Actor, id: string, input: WithdrawChangeRequestInput, requestId?: string) {
    const { doc, project } = await loadChangeRequest(this.deps, actor, id);
    const isRequester =
      actor.role === 'customer' || (doc.requestedBy.kind === 'staff' && doc.requestedBy.id === actor.id);
    if (!isRequester) throw new ForbiddenError('只有提出变更的一方可以撤回');
    await this.conclude(actor, id, project, 'withdrawn', requestId, async (fresh, now) => ({
      ...this.base(fresh, 'withdrawn', now),
      by: { id: actor.id, name: actor.name },
      comment: input.reason,
      quote: null,
    }));
    return this.present(actor, id, project);
  }

  /** The job: every quote whose validity has passed becomes expired (customer and PM told). */
  async expireDue(now = new Date(), limit = 200): Promise<{ expired: number }> {
    const due = await this.deps.changeRequests
      .find({ status: 'quoted', 'quote.validUntil': { $lte: now } })
      .sort({ 'quote.validUntil': 1 })
      .limit(limit)
      .lean<ChangeRequestDoc[]>();
    let expired = 0;
    for (const doc of due) {
      const project = await this.deps.projects.findById(doc.projectId).lean<ProjectDoc>();
      if (!project) continue;
      try {
        await this.conclude(null, String(doc._id), project, 'expired', undefined, async (fresh, at) => {
          if (!fresh.quote || fresh.quote.validUntil.getTime() > at.getTime())
            throw new ConflictError('CONFLICT', '报价已更新'); // re-quoted meanwhile: not due any more
          return { ...this.base(fresh, 'expired', at), by: null, comment: '', quote: null };
        });
        expired += 1;
      } catch (err) {
        // Decided, withdrawn or re-quoted meanwhile: nothing to expire.
        if (!(err instanceof AppError && err.status === 409)) throw err;
      }
    }
    return { expired };
  }

  private base(doc: ChangeRequestDoc, outcome: ChangeRequestOutcome, at: Date) {
    return { changeRequestId: doc._id, projectId: doc.projectId, customerId: doc.customerId, outcome, at };
  }

  /**
   * Records the outcome (under the request's lock, after the status machine allowed it), then
   * finishes the project's unfinished outcomes. A failing step does not fail the call: the outcome
   * stands, its pending steps show on the request, and a retry or the resume job completes them.
   */
  private async conclude(
    actor: Actor | null,
    id: string,
    project: ProjectDoc,
    to: ChangeRequestOutcome,
    requestId: string | undefined,
    draft: OutcomeDraft,
  ): Promise<void> {
    const earlier = await this.deps.outcomes.find(id);
    const outcome =
      earlier ??
      (await this.deps.lock.withLock(changeLockKey(id), 15_000, async () => {
        const doc = await this.deps.changeRequests.findById(id).lean<ChangeRequestDoc>();
        if (!doc) throw new NotFoundError();
        const existing = await this.deps.outcomes.find(doc._id);
        if (existing) return existing;
        assertMove(doc.status, to);
        return (await this.deps.outcomes.record(await draft(doc, new Date()))).outcome;
      }));
    if (outcome.outcome !== to || (actor && !this.sameSide(actor, outcome)))
      throw this.alreadyConcluded(outcome);
    if (!outcome.completedAt) await this.finish(outcome.projectId, requestId);
  }

  private async present(actor: Actor, id: string, project: ProjectDoc): Promise<ChangeRequest> {
    const doc = await this.deps.changeRequests.findById(id).lean<ChangeRequestDoc>();
    if (!doc) throw new NotFoundError();
    return (await presentChangeRequests(this.deps, actor, [doc], project))[0]!;
  }

  /** A retry of the same outcome by the same side (any portal account of the customer). */
  private sameSide(actor: Actor, outcome: ChangeOutcomeDoc): boolean {
    return actor.role === 'customer' || outcome.by?.id === actor.id;
  }

  private alreadyConcluded(o: ChangeOutcomeDoc): AppError {
    return new ConflictError('CONFLICT', `变更申请已${CHANGE_REQUEST_STATUS_LABELS[o.outcome]}`, {
      status: o.outcome,
    });
  }

  private async finish(projectId: Types.ObjectId, requestId?: string): Promise<void> {
    try {
      await this.deps.outcomes.finishProject(projectId);
    } catch (err) {
      this.deps.logger.error(
        { err, projectId: String(projectId), requestId },
        'change outcome steps failed; the resume job retries',
      );
    }
  }
}
