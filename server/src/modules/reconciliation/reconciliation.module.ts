import type { AuditLog } from '../../core/audit';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { PaymentModel } from '../payments/payment.model';
import type { RefundModel } from '../payments/refund.model';
import type { DiscrepancyModel, ReconciliationModel } from './reconciliation.model';
import { reconciliationRoutes } from './reconciliation.routes';
import { ReconciliationService } from './reconciliation.service';
import type { TradeBillSource } from './trade-bill.source';

export { reconciliationModels } from './reconciliation.model';
export { tradeBillSourceFor } from './wechat-trade-bill.source';

/** Reconciliation reads `payments` and `refunds` (read-only) and owns its reports. */
export function createReconciliationModule(d: {
  reconciliations: ReconciliationModel;
  discrepancies: DiscrepancyModel;
  payments: PaymentModel;
  refunds: RefundModel;
  /** Read only: which payments and refunds moved money that day. */
  paymentLedger: LedgerEntryModel;
  source: TradeBillSource;
  lock: RedisLock;
  audit: AuditLog;
  logger: Logger;
}) {
  const service = new ReconciliationService(d);
  return { service, routes: reconciliationRoutes(service) };
}
