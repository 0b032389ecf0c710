import type { Types } from 'mongoose';
import {
  shanghaiEndOfDay,
  daysBetween,
  INVOICE_STATUSES,
  invoiceOpenAmount,
  type AgingBucket,
  type AgingBuckets,
} from '@gantry/shared';
import { ledgerTotals, type LedgerEntryModel } from '../payments/payment-ledger';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';

/**
 * Receivables as they stood at the end of a past (or today's) Asia/Shanghai day, rebuilt from the
 * payment ledger: open = amount − payments before that instant + refunds before it. Invoice amounts
 * never change after issue, so the ledger's `at` is the only history needed.
 */
export interface ReceivablesDeps {
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
}

export type AgingRow = AgingBuckets & { invoiceCount: number };

type ReceivableInvoice = Pick<
  InvoiceDoc,
  '_id' | 'customerId' | 'projectId' | 'amount' | 'status' | 'dueDate' | 'issuedAt' | 'voidedAt'
>;

const NOT_DRAFT = INVOICE_STATUSES.filter((s) => s !== 'draft');

export const emptyBuckets = (): AgingBuckets => ({
  current: 0,
  d0_30: 0,
  d31_60: 0,
  d61_90: 0,
  d90_plus: 0,
  total: 0,
});

/** Days past due → bucket: not yet due, 0–30, 31–60, 61–90, over 90 (0 = due today). */
export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue < 0) return 'current';
  if (daysPastDue <= 30) return 'd0_30';
  if (daysPastDue <= 60) return 'd31_60';
  if (daysPastDue <= 90) return 'd61_90';
  return 'd90_plus';
}

/** The instant the Asia/Shanghai calendar day `date` (YYYY-MM-DD) ends, in UTC. */
export function endOfShanghaiDay(date: string): Date {
  return shanghaiEndOfDay(date);
}

/**
 * Void at `at`: voided before it. A void invoice without `voidedAt` (none are written so, but the
 * time is unknown) counts as void throughout, as the report always treated void invoices.
 */
function voidAt(inv: ReceivableInvoice, at: Date): boolean {
  return inv.status === 'void' && (!inv.voidedAt || inv.voidedAt < at);
}

/**
 * Invoices with money open at `at`, with that open amount. Simple filters (FerretDB scans anyway), the
 * rest in TypeScript: one query for the invoices issued before `at` (not draft; void decided here, as
 * it depends on `voidedAt`), then their ledger entries before `at` (`ledgerTotals`). Paid invoices are read too — paid now may have been open then.
 */
export async function openInvoicesAt(
  deps: ReceivablesDeps,
  at: Date,
): Promise<Array<ReceivableInvoice & { open: number }>> {
  const issued = await deps.invoices
    .find(
      { status: { $in: NOT_DRAFT }, issuedAt: { $lt: at } },
      { customerId: 1, projectId: 1, amount: 1, status: 1, dueDate: 1, issuedAt: 1, voidedAt: 1 },
    )
    .lean<ReceivableInvoice[]>();
  const live = issued.filter((inv) => !voidAt(inv, at));
  const money = await ledgerTotals(
    deps.paymentLedger,
    live.map((inv) => inv._id),
    at,
  );
  return live
    .map((inv) => {
      const m = money.get(String(inv._id)) ?? { paid: 0, refunded: 0 };
      return {
        ...inv,
        open: invoiceOpenAmount({ amount: inv.amount, paidAmount: m.paid, refundedAmount: m.refunded }),
      };
    })
    .filter((inv) => inv.open > 0);
}

/** Open amounts aged by days past due on `asOf`: overall totals and one row per customer id. */
export function ageOpenAmounts(
  open: Array<{ customerId: Types.ObjectId; dueDate: Date; open: number }>,
  asOf: string,
): { totals: AgingBuckets; perCustomer: Map<string, AgingRow> } {
  const totals = emptyBuckets();
  const perCustomer = new Map<string, AgingRow>();
  for (const inv of open) {
    const bucket = agingBucket(daysBetween(inv.dueDate.toISOString().slice(0, 10), asOf));
    const key = String(inv.customerId);
    const row = perCustomer.get(key) ?? { ...emptyBuckets(), invoiceCount: 0 };
    row[bucket] += inv.open;
    row.total += inv.open;
    row.invoiceCount += 1;
    perCustomer.set(key, row);
    totals[bucket] += inv.open;
    totals.total += inv.open;
  }
  return { totals, perCustomer };
}
