import type { Types } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { MilestoneDoc, MilestoneModel } from '../projects/milestone.model';
import type { ProjectModel } from '../projects/project.model';
import type { ChangeOutcomeDoc, DateShiftDoc, DateShiftModel } from './change-request.model';

const DAY_MS = 86_400_000;
const plus = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);
/** Milestones per project are bounded (projects module: 100). */
const MAX_MILESTONES = 100;

export interface ScheduleDeps {
  milestones: MilestoneModel;
  projects: ProjectModel;
  changeDateShifts: DateShiftModel;
  audit: AuditLog;
}

/**
 * The milestones a schedule change moves: the named one and every later one in sequence, or all
 * of them when none is named; confirmed milestones are done and keep their dates.
 */
export async function affectedMilestoneIds(
  milestones: MilestoneModel,
  projectId: Types.ObjectId,
  fromId: Types.ObjectId | null,
): Promise<Types.ObjectId[]> {
  const list = await milestones
    .find({ projectId }, { seq: 1, status: 1 })
    .sort({ seq: 1, _id: 1 })
    .limit(MAX_MILESTONES)
    .lean<Array<Pick<MilestoneDoc, '_id' | 'seq' | 'status'>>>();
  const start = fromId ? list.findIndex((m) => m._id.equals(fromId)) : 0;
  return list
    .slice(Math.max(0, start))
    .filter((m) => m.status !== 'confirmed')
    .map((m) => m._id);
}

/**
 * The schedule step of an approval: each affected milestone's planned dates, then the project's
 * planned completion, move by the quoted days. Each move is a marker unique on
 * (changeRequestId, targetId) written before the date is touched, holding before and after, and
 * applied with `$set` to `after` — so a re-run after a crash re-applies the same dates.
 */
export async function applySchedule(deps: ScheduleDeps, outcome: ChangeOutcomeDoc): Promise<void> {
  const days = outcome.quote?.scheduleDeltaDays ?? 0;
  if (!outcome.quote || days === 0) return;
  for (const id of outcome.quote.milestoneIds) await shift(deps, outcome, 'milestone', id, days);
  await shift(deps, outcome, 'project', outcome.projectId, days);
}

async function shift(
  deps: ScheduleDeps,
  outcome: ChangeOutcomeDoc,
  target: 'milestone' | 'project',
  targetId: Types.ObjectId,
  days: number,
): Promise<void> {
  const marker = await markerFor(deps, outcome, target, targetId, days);
  if (!marker) return;
  const model = (target === 'milestone' ? deps.milestones : deps.projects) as unknown as MilestoneModel;
  await retryTransient(() =>
    model.updateOne(
      { _id: targetId },
      { $set: { plannedStart: marker.after.start, plannedEnd: marker.after.end } },
    ),
  );
  const action = `${target}.rescheduled`;
  const changeRequestId = String(outcome.changeRequestId);
  const audited = await deps.audit.model.exists({
    resource: target,
    resourceId: String(targetId),
    action,
    'after.changeRequestId': changeRequestId,
  });
  if (!audited)
    await deps.audit.record({
      actor: outcome.by ? { id: outcome.by.id, kind: 'portal' } : null,
      action,
      resource: target,
      resourceId: targetId,
      before: { plannedStart: marker.before.start, plannedEnd: marker.before.end },
      after: { plannedStart: marker.after.start, plannedEnd: marker.after.end, changeRequestId, days },
    });
}

/** The recorded move for this target, written now from its current dates if there is none yet. */
async function markerFor(
  deps: ScheduleDeps,
  outcome: ChangeOutcomeDoc,
  target: 'milestone' | 'project',
  targetId: Types.ObjectId,
  days: number,
): Promise<DateShiftDoc | null> {
  const key = { changeRequestId: outcome.changeRequestId, targetId };
  const existing = await deps.changeDateShifts.findOne(key).lean<DateShiftDoc>();
  if (existing) return existing;
  const model = (target === 'milestone' ? deps.milestones : deps.projects) as unknown as MilestoneModel;
  const doc = await model
    .findById(targetId, { plannedStart: 1, plannedEnd: 1 })
    .lean<Pick<MilestoneDoc, 'plannedStart' | 'plannedEnd'>>();
  if (!doc) return null; // removed since the decision: nothing to move
  const before = { start: doc.plannedStart, end: doc.plannedEnd };
  // A project keeps its start: the change moves its completion.
  const after = {
    start: target === 'milestone' ? plus(before.start, days) : before.start,
    end: plus(before.end, days),
  };
  try {
    const created = await retryTransient(() =>
      deps.changeDateShifts.create({ ...key, target, days, before, after, at: new Date() }),
    );
    return created.toObject();
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return deps.changeDateShifts.findOne(key).lean<DateShiftDoc>();
  }
}
