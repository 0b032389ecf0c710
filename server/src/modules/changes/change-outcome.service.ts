import { Types } from 'mongoose';
import { CHANGE_REQUEST_STATUS_LABELS, type ChangeRequestOutcome } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { CustomerModel } from '../crm/customer.model';
import type { ProjectDoc } from '../projects/project.model';
import type { TimelineService } from '../projects/timeline.service';
import type { ApprovedChange, ChangeApprovalEffects } from './change-effects';
import type {
  ChangeOutcomeDoc,
  ChangeOutcomeModel,
  ChangeRequestDoc,
  ChangeRequestModel,
} from './change-request.model';
import { applySchedule, type ScheduleDeps } from './change-schedule';

export const CHANGE_REQUEST = 'change_request';

export interface OutcomeDeps extends ScheduleDeps {
  changeRequests: ChangeRequestModel;
  changeOutcomes: ChangeOutcomeModel;
  customers: CustomerModel;
  audit: AuditLog;
  events: EventBus;
  timeline: Pick<TimelineService, 'record'>;
  effects: ChangeApprovalEffects;
  lock: RedisLock;
  logger: Logger;
}

export type NewOutcome = Omit<
  ChangeOutcomeDoc,
  '_id' | 'steps' | 'done' | 'completedAt' | 'attempts' | 'lastError'
>;

/** One project's outcomes run in decision order, so two approvals never move dates from stale values. */
const projectLockKey = (id: Types.ObjectId | string) => `lock:changes:project:${String(id)}`;
const PROJECT_LOCK_TTL_MS = 60_000;

const OUTCOME_TITLES: Record<ChangeRequestOutcome, (title: string) => string> = {
  approved: (t) => `客户批准了变更「${t}」`,
  rejected: (t) => `客户拒绝了变更「${t}」`,
  expired: (t) => `变更「${t}」的报价已过期`,
  withdrawn: (t) => `变更「${t}」已撤回`,
};

/**
 * The recorded steps of a change request's final outcome. `record` inserts the outcome (unique per
 * change request: the first writer decides, everyone else reads it); `finishProject` runs every
 * unfinished outcome of the project, step by step, each step recorded in `done` once it has run.
 * Steps are idempotent on their own (status `$set`, date-shift markers, effects keyed by the change
 * request, timeline keys, stable event ids), so a step that ran but was not yet recorded is harmless.
 */
export class ChangeOutcomeService {
  constructor(private readonly deps: OutcomeDeps) {}

  /** The steps an outcome of this kind will run, fixed when it is decided. */
  plan(outcome: ChangeRequestOutcome): string[] {
    if (outcome === 'approved')
      return ['status', 'schedule', ...this.deps.effects.steps(), 'timeline', 'event'];
    if (outcome === 'withdrawn') return ['status', 'timeline'];
    return ['status', 'timeline', 'event'];
  }

  /** Inserts the outcome; `created` is false when another caller decided first (its outcome is answered). */
  async record(input: NewOutcome): Promise<{ outcome: ChangeOutcomeDoc; created: boolean }> {
    try {
      const doc = await retryTransient(() =>
        this.deps.changeOutcomes.create({ ...input, steps: this.plan(input.outcome), done: [] }),
      );
      return { outcome: doc.toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await this.find(input.changeRequestId);
      if (!winner) throw err;
      return { outcome: winner, created: false };
    }
  }

  find(changeRequestId: Types.ObjectId | string) {
    return this.deps.changeOutcomes
      .findOne({ changeRequestId: new Types.ObjectId(String(changeRequestId)) })
      .lean<ChangeOutcomeDoc>();
  }

  /**
   * Runs the project's unfinished outcomes oldest first under the project lock. A failing step stops
   * the run (later outcomes wait, so dates move in decision order); it is logged on the outcome and
   * thrown. `waitMs` 0 answers false at once when another caller holds the lock (it is finishing them).
   */
  async finishProject(projectId: Types.ObjectId | string, waitMs = 10_000): Promise<boolean> {
    const key = projectLockKey(projectId);
    const token = await this.acquire(key, waitMs);
    if (!token) return false;
    try {
      const pending = await this.deps.changeOutcomes
        .find({ projectId: new Types.ObjectId(String(projectId)), completedAt: null })
        .sort({ at: 1, _id: 1 })
        .limit(100)
        .lean<ChangeOutcomeDoc[]>();
      for (const outcome of pending) await this.finish(outcome);
      return true;
    } finally {
      await this.deps.lock.release(key, token);
    }
  }

  /**
   * The resume job: every project with an unfinished outcome. A project whose lock is held is being
   * finished by a request right now and is skipped.
   */
  async resumeAll(now = new Date()): Promise<{ finished: number; failed: number }> {
    const stale = await this.deps.changeOutcomes
      .find({ completedAt: null, at: { $lte: now } }, { projectId: 1 })
      .sort({ at: 1 })
      .limit(500)
      .lean<Array<Pick<ChangeOutcomeDoc, 'projectId'>>>();
    const projects = [...new Set(stale.map((o) => String(o.projectId)))];
    let finished = 0;
    let failed = 0;
    for (const projectId of projects) {
      try {
        if (await this.finishProject(projectId, 0)) finished += 1;
      } catch (err) {
        failed += 1;
        this.deps.logger.error({ err, projectId }, 'resuming change request outcomes failed');
      }
    }
    return { finished, failed };
  }

  private async acquire(key: string, waitMs: number): Promise<string | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const token = await this.deps.lock.acquire(key, PROJECT_LOCK_TTL_MS);
      if (token || Date.now() >= deadline) return token;
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 40));
    }
  }

  private async finish(outcome: ChangeOutcomeDoc): Promise<void> {
    const cr = await this.deps.changeRequests.findById(outcome.changeRequestId).lean<ChangeRequestDoc>();
    const project = await this.deps.projects.findById(outcome.projectId).lean<ProjectDoc>();
    if (!cr || !project)
      throw new Error(`change request ${String(outcome.changeRequestId)} lost its records`);
    const done = new Set(outcome.done);
    for (const step of outcome.steps) {
      if (done.has(step)) continue;
      try {
        await this.runStep(step, outcome, cr, project);
      } catch (err) {
        await this.deps.changeOutcomes.updateOne(
          { _id: outcome._id },
          {
            $inc: { attempts: 1 },
            $set: { lastError: `${step}: ${String((err as Error)?.message ?? err)}` },
          },
        );
        throw err;
      }
      await retryTransient(() =>
        this.deps.changeOutcomes.updateOne({ _id: outcome._id }, { $addToSet: { done: step } }),
      );
      done.add(step);
    }
    await retryTransient(() =>
      this.deps.changeOutcomes.updateOne(
        { _id: outcome._id },
        { $set: { completedAt: new Date(), lastError: null } },
      ),
    );
  }

  private async runStep(step: string, o: ChangeOutcomeDoc, cr: ChangeRequestDoc, project: ProjectDoc) {
    switch (step) {
      case 'status':
        return this.applyStatus(o, cr);
      case 'schedule':
        return applySchedule(this.deps, o);
      case 'timeline':
        return this.deps.timeline.record({
          key: `change_request.${o.outcome}:${String(cr._id)}`,
          projectId: project._id,
          kind: 'change_request',
          refId: cr._id,
          occurredAt: o.at,
          customerVisible: true,
          title: OUTCOME_TITLES[o.outcome](cr.title),
          summary: o.comment,
          actor: o.by,
        });
      case 'event':
        return this.publish(o, cr, project);
      default: {
        const effect = this.deps.effects.forStep(step);
        if (!effect) throw new Error(`no change approval effect registered for step ${step}`);
        return effect(approvedChange(o, cr));
      }
    }
  }

  private async applyStatus(o: ChangeOutcomeDoc, cr: ChangeRequestDoc): Promise<void> {
    await retryTransient(() =>
      this.deps.changeRequests.updateOne({ _id: cr._id }, { $set: { status: o.outcome } }),
    );
    const action = `${CHANGE_REQUEST}.${o.outcome}`;
    const audited = await this.deps.audit.model.exists({
      resource: CHANGE_REQUEST,
      resourceId: String(cr._id),
      action,
    });
    if (audited) return;
    await this.deps.audit.record({
      actor: o.by ? { id: o.by.id, kind: actorKind(cr, o) } : null,
      action,
      resource: CHANGE_REQUEST,
      resourceId: cr._id,
      before: { status: cr.status },
      after: {
        status: o.outcome,
        by: o.by,
        at: o.at,
        comment: o.comment || undefined,
        quoteVersion: o.quote?.version,
        costDelta: o.quote?.costDelta,
        scheduleDeltaDays: o.quote?.scheduleDeltaDays,
      },
    });
  }

  private async publish(o: ChangeOutcomeDoc, cr: ChangeRequestDoc, project: ProjectDoc): Promise<void> {
    if (o.outcome === 'withdrawn') return;
    const customer = await this.deps.customers.findById(cr.customerId, { ownerId: 1 }).lean();
    const id = String(cr._id);
    await this.deps.events.publish(
      `${CHANGE_REQUEST}.${o.outcome}`,
      {
        customerId: String(cr.customerId),
        pmId: project.pmId ? String(project.pmId) : undefined,
        ownerId: customer?.ownerId ? String(customer.ownerId) : undefined,
        changeRequestId: id,
        projectId: String(project._id),
        projectName: project.name,
        title: cr.title,
        status: o.outcome,
        statusLabel: CHANGE_REQUEST_STATUS_LABELS[o.outcome],
        comment: o.comment,
        costDelta: o.quote?.costDelta ?? cr.quote?.costDelta ?? null,
        scheduleDeltaDays: o.quote?.scheduleDeltaDays ?? cr.quote?.scheduleDeltaDays ?? null,
        newTotal: o.quote?.newTotal ?? null,
        newCompletion: o.quote?.newCompletion ?? null,
        validUntil: cr.quote?.validUntilDate ?? null,
        decidedAt: o.at.toISOString(),
      },
      { id: `${CHANGE_REQUEST}.${o.outcome}:${id}` },
    );
  }
}

/** Who acted: a withdrawal may be the staff member who filed the request for the customer. */
function actorKind(cr: ChangeRequestDoc, o: ChangeOutcomeDoc): 'staff' | 'portal' {
  return o.outcome === 'withdrawn' && cr.requestedBy.kind === 'staff' && cr.requestedBy.id === o.by?.id
    ? 'staff'
    : 'portal';
}

function approvedChange(o: ChangeOutcomeDoc, cr: ChangeRequestDoc): ApprovedChange {
  const q = o.quote;
  if (!q) throw new Error('an approval without its quote');
  return {
    changeRequestId: String(cr._id),
    projectId: String(cr.projectId),
    customerId: String(cr.customerId),
    title: cr.title,
    quoteVersion: q.version,
    costDelta: q.costDelta,
    scheduleDeltaDays: q.scheduleDeltaDays,
    approvedAt: o.at,
    approvedBy: o.by,
    totalBefore: q.currentTotal,
    totalAfter: q.newTotal,
    completionBefore: q.currentCompletion,
    completionAfter: q.newCompletion,
  };
}
