import { Types } from 'mongoose';
import { calendarDateOf } from '@gantry/shared';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { FACTS, type FactRegistry } from '../crm/scoring/customer-facts';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import { invoiceSettlementsOf } from './invoice-money';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';

const YEAR_MS = 365 * 86_400_000;

/**
 * Per customer, invoices due in the last 12 months that were paid late (paid in full, by the ledger,
 * on a day after the due day) or are overdue now, and those paid on time. Invoices not yet due do
 * not count either way. Paid is what the ledger holds, not the invoice's cached status or `paidAt`.
 */
export async function paymentRecords(
  d: { invoices: InvoiceModel; paymentLedger: LedgerEntryModel },
  customerIds: string[],
  now: Date = new Date(),
): Promise<Map<string, { late: number; onTime: number }>> {
  const out = new Map<string, { late: number; onTime: number }>();
  if (customerIds.length === 0) return out;
  const today = calendarDateOf(now);
  const rows = await d.invoices
    .find(
      {
        customerId: { $in: customerIds.map((id) => new Types.ObjectId(id)) },
        dueDate: { $gte: new Date(now.getTime() - YEAR_MS) },
        status: { $in: ['issued', 'partially_paid', 'overdue', 'paid'] },
      },
      { customerId: 1, status: 1, amount: 1, dueDate: 1 },
    )
    .lean<Array<Pick<InvoiceDoc, '_id' | 'customerId' | 'status' | 'amount' | 'dueDate'>>>();
  const money = await invoiceSettlementsOf(d.paymentLedger, rows);
  for (const inv of rows) {
    const m = money.get(String(inv._id));
    const dueDay = calendarDateOf(inv.dueDate);
    let late: boolean;
    if (m?.paidInFullAt) late = calendarDateOf(m.paidInFullAt) > dueDay;
    else if (m?.status === 'overdue' || dueDay < today) late = true;
    else continue;
    const key = String(inv.customerId);
    const rec = out.get(key) ?? { late: 0, onTime: 0 };
    if (late) rec.late += 1;
    else rec.onTime += 1;
    out.set(key, rec);
  }
  return out;
}

/**
 * Registers "late payments in 12 months" (two or more put the customer in the risk tier under the
 * default model) and "payment punctuality" (share paid on time), and rescores the customer when an
 * invoice is paid — a late payment changes both. The overdue job rescores when it marks invoices.
 */
export function registerPaymentBehaviourScoring(d: {
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  facts: FactRegistry;
  rescore: (customerIds: string[]) => Promise<unknown>;
  events: EventBus;
  logger: Logger;
}): void {
  d.facts.registerFactProvider(FACTS.latePayments12m, async (ids) => {
    const records = await paymentRecords(d, ids);
    return new Map([...records].map(([id, r]) => [id, r.late]));
  });
  d.facts.registerFactProvider(FACTS.paymentPunctuality, async (ids) => {
    const records = await paymentRecords(d, ids);
    return new Map([...records].map(([id, r]) => [id, r.onTime / (r.onTime + r.late)]));
  });
  d.events.subscribe('invoice.paid', async (event) => {
    const customerId = event.payload.customerId;
    if (typeof customerId !== 'string') return;
    await d
      .rescore([customerId])
      .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after payment failed'));
  });
}
