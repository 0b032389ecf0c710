import type { Connection } from 'mongoose';
import { ledgerEntryModel } from './payment-ledger';
import { paymentModel } from './payment.model';
import { refundModel } from './refund.model';

/** The payments module's collections (the reconciliation reads `payments` and `refunds` read-only). */
export function paymentsModels(conn: Connection) {
  return { payments: paymentModel(conn), refunds: refundModel(conn), paymentLedger: ledgerEntryModel(conn) };
}
