import { invoiceOpenAmount, type InvoiceStatus } from '@gantry/shared';
import {
  ledgerMoves,
  ledgerTotals,
  type LedgerEntryModel,
  type LedgerMove,
  type LedgerTotals,
} from '../payments/payment-ledger';
import type { InvoiceDoc } from './invoice.model';

/**
 * An invoice's money as the payment ledger holds it. The invoice's own `paidAmount`,
 * `refundedAmount` and paid/partially-paid status are a cache written by `recalculate` after the
 * ledger entry; a crash in between leaves them behind, so nothing that decides (what may be paid,
 * refunded, escalated, shown as open) reads them.
 */
export interface InvoiceMoney {
  paid: number;
  refunded: number;
  open: number;
  status: InvoiceStatus;
}

type MoneyFields = Pick<InvoiceDoc, 'amount' | 'status'>;

/** The status money on the ledger implies (void and draft stay; overdue stays overdue until paid). */
export function invoiceMoney(inv: MoneyFields, t: LedgerTotals): InvoiceMoney {
  const open =
    inv.status === 'void' || inv.status === 'draft'
      ? 0
      : invoiceOpenAmount({ amount: inv.amount, paidAmount: t.paid, refundedAmount: t.refunded });
  return { paid: t.paid, refunded: t.refunded, open, status: statusOf(inv, t, open) };
}

function statusOf(inv: MoneyFields, t: LedgerTotals, open: number): InvoiceStatus {
  if (inv.status === 'void' || inv.status === 'draft') return inv.status;
  if (open === 0) return 'paid';
  if (inv.status === 'overdue') return 'overdue';
  return t.paid - t.refunded > 0 ? 'partially_paid' : 'issued';
}

/** `invoiceMoney` for several invoices with one ledger read, keyed by invoice id. */
export async function invoiceMoneyOf(
  ledger: LedgerEntryModel,
  invoices: Array<MoneyFields & Pick<InvoiceDoc, '_id'>>,
): Promise<Map<string, InvoiceMoney>> {
  const totals = await ledgerTotals(
    ledger,
    invoices.map((i) => i._id),
  );
  return new Map(
    invoices.map((i) => [
      String(i._id),
      invoiceMoney(i, totals.get(String(i._id)) ?? { paid: 0, refunded: 0 }),
    ]),
  );
}

/** `InvoiceMoney` plus when the ledger brought the open amount to 0 (null while anything is open). */
export interface InvoiceSettlement extends InvoiceMoney {
  paidInFullAt: Date | null;
}

/**
 * The money and the paid-in-full time of many invoices from one ledger read. The invoice's own
 * `paidAt` is written with the cached totals, so a crash after the ledger entry leaves it unset:
 * punctuality and lateness are judged by the entry that closed the invoice instead. A refund that
 * opens the invoice again clears the time; the payment that closes it again sets it anew.
 */
export async function invoiceSettlementsOf(
  ledger: LedgerEntryModel,
  invoices: Array<MoneyFields & Pick<InvoiceDoc, '_id'>>,
): Promise<Map<string, InvoiceSettlement>> {
  const moves = await ledgerMoves(
    ledger,
    invoices.map((i) => i._id),
  );
  return new Map(invoices.map((i) => [String(i._id), settlementOf(i, moves.get(String(i._id)) ?? [])]));
}

function settlementOf(inv: MoneyFields, moves: LedgerMove[]): InvoiceSettlement {
  const t = { paid: 0, refunded: 0 };
  let paidInFullAt: Date | null = null;
  for (const m of moves) {
    if (m.kind === 'payment') t.paid += m.amount;
    else t.refunded += m.amount;
    const open = invoiceOpenAmount({ amount: inv.amount, paidAmount: t.paid, refundedAmount: t.refunded });
    if (open > 0) paidInFullAt = null;
    else paidInFullAt ??= m.at;
  }
  const money = invoiceMoney(inv, t);
  return { ...money, paidInFullAt: money.status === 'paid' ? paidInFullAt : null };
}
