import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { CustomerModel } from '../crm/customer.model';
import type { ResponseClockService } from '../feedback/response-clock.service';
import type { FileService } from '../files/file.service';
import { milestoneModels } from '../projects/milestone.model';
import type { ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import { ChangeDecisionService } from './change-decision.service';
import { ChangeApprovalEffects } from './change-effects';
import { ChangeInboxService } from './change-inbox.service';
import { ChangeOutcomeService } from './change-outcome.service';
import type { changeModels } from './change-request.model';
import { changeRequestRoutes } from './change-request.routes';
import { ChangeRequestService } from './change-request.service';
import { ContractAmountService, RecordedContractTotals, type ContractTotals } from './contract-totals';

export { changeModels } from './change-request.model';

export interface ChangesModuleDeps extends ReturnType<typeof changeModels> {
  /** The milestones are the projects module's; resolved on the connection like the portal does. */
  conn: Connection;
  projects: ProjectModel;
  customers: CustomerModel;
  projectAccess: ProjectAccess;
  /** The project rules, for lists across projects (the inbox). */
  policy: Policy;
  files: Pick<FileService, 'attach' | 'refs'>;
  responseClock: Pick<ResponseClockService, 'open' | 'answer'>;
  timeline: Pick<TimelineService, 'record'>;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  logger: Logger;
  /**
   * The contracts module's provider (or a factory given the recorded amounts as its fallback); the
   * recorded amounts alone until then.
   */
  contractTotals?: ContractTotals | ((recorded: ContractTotals) => ContractTotals);
}

/**
 * Change requests wired up: services, routes, the approval effects registry (the payment issue
 * registers its contract amendment there) and the services behind the changes.expire-quotes and
 * changes.resume-approvals jobs.
 */
export function createChangesModule(deps: ChangesModuleDeps) {
  const d = { ...deps, milestones: milestoneModels(deps.conn).milestones };
  const effects = new ChangeApprovalEffects();
  const recorded = new RecordedContractTotals(d);
  const given = d.contractTotals;
  const contractTotals = typeof given === 'function' ? given(recorded) : (given ?? recorded);
  const outcomes = new ChangeOutcomeService({ ...d, effects });
  const requests = new ChangeRequestService({ ...d, contractTotals, outcomes });
  const decisions = new ChangeDecisionService({ ...d, contractTotals, outcomes });
  const amounts = new ContractAmountService({ ...d, contractTotals });
  const inbox = new ChangeInboxService({ ...d, contractTotals });
  return {
    effects,
    contractTotals,
    services: { changeRequests: requests, changeDecisions: decisions, changeOutcomeRunner: outcomes },
    routes: changeRequestRoutes(requests, decisions, amounts, inbox),
  };
}
