import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import { milestoneModels } from '../projects/milestone.model';
import type { ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import { followUpTaskModel, type FollowUpTaskModel } from './follow-up.model';
import { followUpRoutes } from './follow-up.routes';
import { FollowUpService } from './follow-up.service';
import { ratingModel, type RatingModel } from './rating.model';
import { ratingRoutes } from './rating.routes';
import { registerRatingScoring } from './rating.scoring';
import { RatingService } from './rating.service';

/** The collections of ratings and their follow-up tasks (created before ensureIndexes). */
export function ratingModels(conn: Connection) {
  return { ratings: ratingModel(conn), followUpTasks: followUpTaskModel(conn) };
}

/**
 * Ratings wired up: the invitation to rate a milestone once it is confirmed, the rating and
 * follow-up services and routes, and average satisfaction as a customer-score factor.
 */
export function createRatingsModule(d: {
  conn: Connection;
  ratings: RatingModel;
  followUpTasks: FollowUpTaskModel;
  projects: ProjectModel;
  staffUsers: StaffUserModel;
  projectAccess: ProjectAccess;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  logger: Logger;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
}) {
  const followUps = new FollowUpService(d);
  const ratings = new RatingService({ ...d, milestones: milestoneModels(d.conn).milestones, followUps });
  d.events.subscribe('milestone.confirmed', async (event) => {
    const p = event.payload;
    if (!p.customerId || !p.milestoneId) return;
    await d.events.publish(
      'rating.invited',
      {
        customerId: p.customerId,
        projectId: p.projectId,
        projectName: p.projectName,
        milestoneId: p.milestoneId,
        milestoneName: p.milestoneName,
      },
      { id: `rating.invited:${String(p.milestoneId)}` },
    );
  });
  registerRatingScoring(d);
  return {
    services: { ratings, followUps },
    routes: [...ratingRoutes(ratings), ...followUpRoutes(followUps)],
  };
}
