import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import { RedisLimiter } from '../../core/http/rate-limit';
import type { AnyRoute } from '../../core/http/route';
import type { Logger } from '../../core/logger';
import type { Redis } from '../../core/redis';
import type { ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import { milestoneModels } from '../projects/milestone.model';
import type { TimelineModel } from '../projects/timeline.model';
import type { TimelineService } from '../projects/timeline.service';
import { siteIssueModel } from '../site/site-issue.model';
import { portalRoutes } from './portal.routes';
import { ProjectFacts } from './project-facts';
import { ProjectHomeService, type PhotoRefs } from './project-home.service';
import { shareModel } from './share.model';
import { shareRoutes } from './share.routes';
import { ShareService } from './share.service';
import { WeeklyReportCompiler } from './weekly-report.compiler';
import { weeklyReportModels } from './weekly-report.model';
import { weeklyReportRoutes } from './weekly-report.routes';
import { WeeklyReportService } from './weekly-report.service';

/** Reads through share links per client IP: a family opening a link needs a handful a minute. */
const SHARE_READS_PER_MINUTE = 60;

export interface PortalDeps {
  conn: Connection;
  redis: Redis;
  logger: Logger;
  audit: AuditLog;
  events: EventBus;
  projects: ProjectModel;
  projectTimeline: TimelineModel;
  projectAccess: ProjectAccess;
  timeline: TimelineService;
  files: PhotoRefs;
  publicUrl: string;
}

/** The customer portal: project home and timeline, QR code, share links, weekly reports. */
export async function createPortalModule(deps: PortalDeps) {
  const models = {
    projectShares: shareModel(deps.conn),
    ...weeklyReportModels(deps.conn),
  };
  // Built now rather than lazily: the unique keys (token hash, project + week) guard the first write.
  for (const model of Object.values(models)) await model.createIndexes();
  const facts = new ProjectFacts({
    milestones: milestoneModels(deps.conn).milestones,
    siteIssues: siteIssueModel(deps.conn),
  });
  const home = new ProjectHomeService({ ...deps, timelineEntries: deps.projectTimeline, facts });
  const shares = new ShareService({ ...deps, shares: models.projectShares, home, facts });
  const weeklyReports = new WeeklyReportService({
    ...deps,
    ...models,
    compiler: new WeeklyReportCompiler({ timeline: deps.projectTimeline, facts }),
  });
  const shareLimiter = new RedisLimiter(deps.redis, 'share', {
    points: SHARE_READS_PER_MINUTE,
    durationSeconds: 60,
  });
  const routes: AnyRoute[] = [
    ...portalRoutes({ home, projectAccess: deps.projectAccess, publicUrl: deps.publicUrl }),
    ...shareRoutes(shares, shareLimiter),
    ...weeklyReportRoutes(weeklyReports),
  ];
  return { models, services: { projectHome: home, shares, weeklyReports }, routes };
}
