import type { AuditLog } from '../../../core/audit';
import type { EventBus } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { RedisLock } from '../../../core/redis-lock';
import type { ProjectModel } from '../../projects/project.model';
import { projectCountsSince } from '../../projects/project.service';
import type { CustomerModel } from '../customer.model';
import type { CustomerService } from '../customer.service';
import { signedAmountSince, signedCountSince, unsignedOpportunityCounts } from '../opportunity-facts';
import type { OpportunityModel } from '../opportunity.model';
import { FACTS, FactRegistry } from './customer-facts';
import type { ScoringModelModel } from './scoring-model.model';
import { scoringRoutes } from './scoring.routes';
import { ScoringService } from './scoring.service';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

/**
 * Customer scoring wired up: the fact providers that read real data today (opportunities and
 * projects), the service, its routes, and a rescore of the customer whenever an opportunity
 * changes stage. Payments, satisfaction and complaints have no provider yet and read 0.
 */
export function createScoringModule(d: {
  scoringModels: ScoringModelModel;
  customers: CustomerModel;
  opportunities: OpportunityModel;
  projects: ProjectModel;
  customerService: CustomerService;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  logger: Logger;
}) {
  const facts = new FactRegistry();
  facts.registerFactProvider(FACTS.annualContractValue, (ids) =>
    signedAmountSince(d.opportunities, ids, daysAgo(365)),
  );
  facts.registerFactProvider(FACTS.cooperationCount, async (ids) => {
    const since = daysAgo(730);
    const [signed, projects] = await Promise.all([
      signedCountSince(d.opportunities, ids, since),
      projectCountsSince(d.projects, ids, since),
    ]);
    for (const [id, n] of projects) signed.set(id, (signed.get(id) ?? 0) + n);
    return signed;
  });
  facts.registerFactProvider(FACTS.unsignedOpportunities, (ids) =>
    unsignedOpportunityCounts(d.opportunities, ids),
  );

  const scoring = new ScoringService({
    scoringModels: d.scoringModels,
    customers: d.customers,
    customerService: d.customerService,
    facts,
    audit: d.audit,
    events: d.events,
    lock: d.lock,
    logger: d.logger,
  });
  d.events.subscribe('opportunity.stage_changed', async (event) => {
    const customerId = event.payload.customerId;
    if (!customerId) return;
    // A failed rescore must not fail the stage change; the nightly job catches up.
    await scoring
      .recompute([customerId])
      .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after stage change failed'));
  });
  return { facts, scoring, routes: scoringRoutes(scoring) };
}
