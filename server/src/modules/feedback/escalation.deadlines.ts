import type { FeedbackDeadline } from '@gantry/shared';
import type { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import { EVERYTHING, grantScope, type Policy, type Scope } from '../../core/policy';
import type { ProjectModel } from '../projects/project.model';
import { PROJECT } from '../projects/project.policy';
import type { Person } from './escalation.model';

/** Helpers complaints and repairs share: deadlines, people, list scope. */

export const addHours = (at: Date, hours: number) => new Date(at.getTime() + Math.round(hours * 3_600_000));

/** A deadline of the current round has passed while its status still waits for what it asks. */
export function isOverdue(
  doc: { status: string; responseDueAt: Date; resolutionDueAt: Date },
  runningIn: Record<FeedbackDeadline, readonly string[]>,
  now: Date,
): boolean {
  return (
    (runningIn.response.includes(doc.status) && doc.responseDueAt <= now) ||
    (runningIn.resolution.includes(doc.status) && doc.resolutionDueAt <= now)
  );
}

/** The list filter matching `isOverdue`. */
export function overdueFilter(runningIn: Record<FeedbackDeadline, readonly string[]>, now: Date) {
  return {
    $or: [
      { status: { $in: runningIn.response }, responseDueAt: { $lte: now } },
      { status: { $in: runningIn.resolution }, resolutionDueAt: { $lte: now } },
    ],
  };
}

export const personOf = (actor: Actor): Person => ({ id: actor.id, name: actor.name });

export const raiserOf = (actor: Actor) => ({ ...personOf(actor), kind: actor.kind });

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** At most `max` characters (a subscribe message `thing` field takes 20), with an ellipsis when cut. */
export const short = (text: string, max = 20) =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;

/** Records hanging off the projects the actor may read (all of them for admins, finance, service). */
export async function projectScope(
  deps: { policy: Policy; projects: ProjectModel },
  actor: Actor,
): Promise<Scope> {
  const projects = deps.policy.scope(actor, PROJECT);
  if (Object.keys(projects).length === 0) return EVERYTHING;
  const ids = await deps.projects.find(projects, { _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>();
  return grantScope({ projectId: { $in: ids.map((p) => p._id) } });
}
