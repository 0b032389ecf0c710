import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { ChangeApprovalEffects } from '../changes/change-effects';
import type { ContractTotals } from '../changes/contract-totals';
import type { CustomerModel } from '../crm/customer.model';
import type { OpportunityModel, QuoteModel } from '../crm/opportunity.model';
import type { OpportunityService } from '../crm/opportunity.service';
import type { FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { FileService } from '../files/file.service';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { MilestoneModel } from '../projects/milestone.model';
import type { ProjectModel } from '../projects/project.model';
import { ActiveContractTotals } from './active-contract-totals';
import { ContractAmendments } from './contract-amendment';
import { ContractApprovalService } from './contract-approval.service';
import { contractModels } from './contract.model';
import { contractRoutes } from './contract.routes';
import { registerContractScoring } from './contract.scoring';
import { ContractService } from './contract.service';
import type { ContractsConfig } from './contracts.config';
import { InvoiceFapiao } from './invoice-fapiao';
import { InvoiceQueries } from './invoice-query.service';
import { invoiceModel } from './invoice.model';
import { invoiceRoutes } from './invoice.routes';
import { InvoiceService, type PaymentLedger } from './invoice.service';
import { InvoiceTriggers } from './invoice-triggers';
import { MoneyAccess } from './money-access';

export function contractsModels(conn: Connection) {
  return { ...contractModels(conn), invoices: invoiceModel(conn) };
}

export interface ContractsModuleDeps extends ReturnType<typeof contractsModels> {
  customers: CustomerModel;
  projects: ProjectModel;
  opportunities: OpportunityModel;
  opportunityQuotes: QuoteModel;
  milestones: MilestoneModel;
  /** Read only, by the receivables as of a past day (the payments module owns and writes it). */
  paymentLedger: LedgerEntryModel;
  staffUsers: StaffUserModel;
  files: Pick<FileService, 'attach' | 'refs' | 'withdraw'>;
  opportunityService: Pick<OpportunityService, 'markSignedByContract'>;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: ContractsConfig;
}

/**
 * The payments module owns the ledger and needs the invoices, so the ledger is bound after both
 * exist (`bindLedger`). Until then recalculation refuses to run rather than read "nothing paid".
 */
class LedgerSlot implements PaymentLedger {
  private ledger: PaymentLedger | null = null;
  bind(ledger: PaymentLedger): void {
    this.ledger = ledger;
  }
  totals(invoiceId: string) {
    if (!this.ledger) throw new Error('payment ledger not bound');
    return this.ledger.totals(invoiceId);
  }
}

/** Contracts, approval, payment plans, amendments and invoices: services, routes, event subscriptions. */
export function createContractsModule(d: ContractsModuleDeps) {
  const access = new MoneyAccess(d);
  const ledger = new LedgerSlot();
  const invoices = new InvoiceService({ ...d, access, ledger });
  const triggers = new InvoiceTriggers({ ...d, invoices });
  const contracts = new ContractService({ ...d, access });
  const approvals = new ContractApprovalService({ ...d, contractService: contracts, triggers });
  const amendments = new ContractAmendments({ ...d, contractService: contracts, triggers });
  const invoiceQueries = new InvoiceQueries({ ...d, invoices: d.invoices, access, invoiceService: invoices });
  const fapiao = new InvoiceFapiao({ ...d, access, invoiceService: invoices });
  // The customer's confirmation stands even if issuing fails here; the daily job issues what was missed.
  d.events.subscribe('milestone.confirmed', (event) =>
    triggers
      .onMilestoneConfirmed(event)
      .catch((err: unknown) =>
        d.logger.error({ err, eventId: event.id }, 'invoice for a confirmed milestone not issued'),
      ),
  );
  registerContractScoring(d);
  return {
    services: {
      contracts,
      contractApprovals: approvals,
      contractAmendments: amendments,
      invoices,
      invoiceQueries,
      invoiceFapiao: fapiao,
      invoiceTriggers: triggers,
    },
    bindLedger: (l: PaymentLedger) => ledger.bind(l),
    /** The changes module's "current contract total": the active contract, else its own fallback. */
    contractTotals: (fallback?: ContractTotals): ContractTotals =>
      new ActiveContractTotals({ contracts: d.contracts, fallback }),
    /** Approved change requests amend the active contract (idempotent per change request). */
    registerAmendmentEffect: (effects: ChangeApprovalEffects) =>
      effects.register('contract-amendment', (change) => amendments.apply(change)),
    routes: [
      ...contractRoutes(contracts, approvals, amendments),
      ...invoiceRoutes(invoices, fapiao, invoiceQueries),
    ],
  };
}
