import { Types } from 'mongoose';
import { MILESTONE_STATUS_LABELS, canMoveMilestone, type MilestoneStatus } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { RedisLock } from '../../core/redis-lock';
import type {
  MilestoneDecisionModel,
  MilestoneDoc,
  MilestoneModel,
  MilestoneRoundModel,
} from './milestone.model';
import type { MilestonePhotos } from './milestone.view';
import type { ProjectDoc, ProjectModel } from './project.model';
import type { ProjectAccess } from './project.policy';
import type { TimelineService } from './timeline.service';

/** What the milestone services share: their dependencies, the lock key, loading with access, the machine guard. */
export const MILESTONE = 'milestone';
/** Milestones per project: the list endpoint answers them all, so their number is bounded. */
export const MAX_MILESTONES_PER_PROJECT = 100;

export interface MilestoneDeps {
  milestones: MilestoneModel;
  milestoneRounds: MilestoneRoundModel;
  milestoneDecisions: MilestoneDecisionModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  audit: AuditLog;
  events: EventBus;
  timeline: TimelineService;
  files: MilestonePhotos;
  lock: RedisLock;
  autoConfirmDays: number;
}

export const milestoneLockKey = (id: string | Types.ObjectId) => `lock:projects:milestone:${String(id)}`;

/** 409 for a move the milestone status machine does not allow. */
export function assertMove(from: MilestoneStatus, to: MilestoneStatus): void {
  if (!canMoveMilestone(from, to))
    throw new ConflictError(
      'CONFLICT',
      `节点状态为「${MILESTONE_STATUS_LABELS[from]}」，不能改为「${MILESTONE_STATUS_LABELS[to]}」`,
    );
}

/** A milestone and its project, as the actor may see them (404 for either unreadable). */
export async function loadMilestone(
  deps: Pick<MilestoneDeps, 'milestones' | 'projectAccess'>,
  actor: Actor,
  id: string,
  action: 'read' | 'change' = 'read',
): Promise<{ milestone: MilestoneDoc; project: ProjectDoc }> {
  const milestone = Types.ObjectId.isValid(id)
    ? await deps.milestones.findById(id).lean<MilestoneDoc>()
    : null;
  if (!milestone) throw new NotFoundError();
  const project = await deps.projectAccess.get(actor, String(milestone.projectId), action);
  return { milestone, project };
}
