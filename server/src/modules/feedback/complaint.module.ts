import type { Connection, Model } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { FileService } from '../files/file.service';
import type { ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import { complaintModel, type ComplaintModel } from './complaint.model';
import { COMPLAINT_DEADLINES } from './complaint.present';
import { complaintRoutes } from './complaint.routes';
import { registerComplaintScoring } from './complaint.scoring';
import { ComplaintService } from './complaint.service';
import type { FeedbackConfig } from './escalation.config';
import { escalationMarkerModel, type EscalationMarkerModel } from './escalation.model';
import { EscalationService, type EscalatableDoc } from './escalation.service';
import { repairModel, type RepairModel } from './repair.model';
import { REPAIR_DEADLINES } from './repair.present';
import { repairRoutes } from './repair.routes';
import { RepairService } from './repair.service';
import type { ResponseClockService } from './response-clock.service';

/** The collections of complaints, repairs and their escalation markers (created before ensureIndexes). */
export function complaintModels(conn: Connection) {
  return {
    complaints: complaintModel(conn),
    repairs: repairModel(conn),
    feedbackEscalations: escalationMarkerModel(conn),
  };
}

/**
 * Complaints and warranty repairs wired up: services, routes, the escalation service the
 * `feedback.escalate-overdue` job calls, and open complaints as a customer-score factor.
 */
export function createComplaintsModule(d: {
  complaints: ComplaintModel;
  repairs: RepairModel;
  feedbackEscalations: EscalationMarkerModel;
  projects: ProjectModel;
  staffUsers: StaffUserModel;
  policy: Policy;
  projectAccess: ProjectAccess;
  timeline: Pick<TimelineService, 'record'>;
  files: Pick<FileService, 'attach' | 'refs'>;
  responseClock: Pick<ResponseClockService, 'open' | 'answer'>;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  logger: Logger;
  config: FeedbackConfig;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
}) {
  const complaints = new ComplaintService({ ...d, config: d.config.complaint });
  const repairs = new RepairService({ ...d, config: d.config.repair });
  const escalation = new EscalationService({
    markers: d.feedbackEscalations,
    projects: d.projects,
    staffUsers: d.staffUsers,
    audit: d.audit,
    events: d.events,
    logger: d.logger,
    batch: d.config.escalationBatch,
    sources: [
      {
        kind: 'complaint',
        label: '投诉',
        model: d.complaints as unknown as Model<EscalatableDoc>,
        runningIn: COMPLAINT_DEADLINES,
      },
      {
        kind: 'repair',
        label: '报修',
        model: d.repairs as unknown as Model<EscalatableDoc>,
        runningIn: REPAIR_DEADLINES,
      },
    ],
  });
  registerComplaintScoring(d);
  return {
    services: { complaints, repairs, feedbackEscalation: escalation },
    routes: [...complaintRoutes(complaints), ...repairRoutes(repairs)],
  };
}
