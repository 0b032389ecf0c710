import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerModel } from '../crm/customer.model';
import { MilestoneDecisionService } from './milestone-decision.service';
import type { ProjectsConfig } from './milestone-templates';
import type { milestoneModels } from './milestone.model';
import { milestoneRoutes } from './milestone.routes';
import { MilestoneService } from './milestone.service';
import type { MilestonePhotos } from './milestone.view';
import type { ProjectModel } from './project.model';
import type { ProjectAccess } from './project.policy';
import { projectRoutes } from './project.routes';
import { ProjectService } from './project.service';
import type { TimelineService } from './timeline.service';

export interface ProjectModuleDeps extends ReturnType<typeof milestoneModels> {
  projects: ProjectModel;
  customers: CustomerModel;
  staffUsers: StaffUserModel;
  policy: Policy;
  projectAccess: ProjectAccess;
  audit: AuditLog;
  events: EventBus;
  timeline: TimelineService;
  files: MilestonePhotos;
  lock: RedisLock;
  config: ProjectsConfig;
}

/** Projects and their milestones: services and routes, wired once by the container. */
export function createProjectModule(deps: ProjectModuleDeps) {
  const projects = new ProjectService({ ...deps, templates: deps.config.milestoneTemplates });
  const milestoneDeps = { ...deps, autoConfirmDays: deps.config.autoConfirmDays };
  const milestones = new MilestoneService(milestoneDeps);
  const milestoneDecisions = new MilestoneDecisionService(milestoneDeps);
  return {
    services: { projects, milestones, milestoneDecisions },
    routes: [...projectRoutes(projects), ...milestoneRoutes(milestones, milestoneDecisions)],
  };
}
