import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { AnyRoute } from '../../core/http/route';
import type { RedisLock } from '../../core/redis-lock';
import type { AccountDirectory } from '../auth/account-directory';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import { dailyLogModel, type DailyLogModel } from './daily-log.model';
import { dailyLogRoutes } from './daily-log.routes';
import { DailyLogService } from './daily-log.service';
import { siteIssueModel, type SiteIssueModel } from './site-issue.model';
import { siteIssueRoutes } from './site-issue.routes';
import { SiteIssueService } from './site-issue.service';
import type { SitePhotoFiles } from './site-photos';

/** Compiled with the other models, so their indexes (the one-log-a-day unique index) exist before any write. */
export function siteModels(conn: Connection) {
  return { dailyLogs: dailyLogModel(conn), siteIssues: siteIssueModel(conn) };
}

export interface SiteModuleDeps {
  dailyLogs: DailyLogModel;
  siteIssues: SiteIssueModel;
  projectAccess: ProjectAccess;
  files: SitePhotoFiles;
  timeline: TimelineService;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  directory: AccountDirectory;
}

/** Site daily logs and site issues: services and routes, wired once for the container. */
export function createSiteModule(deps: SiteModuleDeps) {
  const dailyLogs = new DailyLogService(deps);
  const siteIssues = new SiteIssueService({
    ...deps,
    async staffNames(ids) {
      const staff = await deps.directory.activeStaff(ids);
      return new Map(staff.map((s) => [s.id, s.name]));
    },
  });
  const routes: AnyRoute[] = [...dailyLogRoutes(dailyLogs), ...siteIssueRoutes(siteIssues)];
  return { services: { dailyLogs, siteIssues }, routes };
}
