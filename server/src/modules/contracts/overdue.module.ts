import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerModel } from '../crm/customer.model';
import type { FactRegistry } from '../crm/scoring/customer-facts';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { InvoiceModel } from './invoice.model';
import type { OverdueConfig } from './overdue.config';
import type { OverdueStepModel } from './overdue.model';
import { overdueRoutes } from './overdue.routes';
import { registerPaymentBehaviourScoring } from './overdue.scoring';
import { OverdueService } from './overdue.service';

export { overdueStepModel } from './overdue.model';

/** Overdue invoices: the escalation ladder job, payment arrangements, and the lateness score facts. */
export function createOverdueModule(d: {
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  overdueSteps: OverdueStepModel;
  customers: CustomerModel;
  staffUsers: StaffUserModel;
  facts: FactRegistry;
  rescore: (customerIds: string[]) => Promise<unknown>;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: OverdueConfig;
}) {
  const service = new OverdueService(d);
  registerPaymentBehaviourScoring(d);
  return { service, routes: overdueRoutes(service, d.customers) };
}
