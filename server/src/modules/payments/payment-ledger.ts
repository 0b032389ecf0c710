import { isValidObjectId, Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn, retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';

/**
 * The money that moved: one entry per settled payment (`payment:<outTradeNo>`) and per succeeded
 * refund (`refund:<outRefundNo>`), keyed by `paymentLedgerKey` / `refundLedgerKey`. The unique key is the exactly-once point: FerretDB's guarded updates
 * are not atomic, a unique insert is — whoever inserts first applies the money, every other
 * delivery of the same notification finds the entry and only finishes the follow-up work.
 */
export interface LedgerEntryDoc {
  _id: Types.ObjectId;
  key: string;
  kind: 'payment' | 'refund';
  invoiceId: Types.ObjectId;
  paymentId: Types.ObjectId;
  refundId: Types.ObjectId | null;
  amount: number;
  /** WeChat's transaction id (payments) or refund id (refunds). */
  wechatId: string;
  /** Payments: the payer WeChat reported (kept here until the payment itself is marked paid). */
  payerOpenid?: string | null;
  at: Date;
  createdAt: Date;
}

const ledgerSchema = new Schema<LedgerEntryDoc>(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true, enum: ['payment', 'refund'] },
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    paymentId: { type: Schema.Types.ObjectId, required: true },
    refundId: { type: Schema.Types.ObjectId, default: null },
    amount: { type: Number, required: true },
    wechatId: { type: String, required: true },
    payerOpenid: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'payment_ledger', timestamps: { createdAt: true, updatedAt: false } },
);
ledgerSchema.index({ key: 1 }, { unique: true });
ledgerSchema.index({ invoiceId: 1 });
ledgerSchema.index({ paymentId: 1 });
// Receivables as of a day and the day's reconciliation read the entries by time.
ledgerSchema.index({ at: 1 });

export type LedgerEntryModel = Model<LedgerEntryDoc>;

/** The entry of a payment is keyed by our order number, that of a refund by our refund number. */
export const paymentLedgerKey = (outTradeNo: string) => `payment:${outTradeNo}`;
export const refundLedgerKey = (outRefundNo: string) => `refund:${outRefundNo}`;

export function ledgerEntryModel(conn: Connection): LedgerEntryModel {
  return modelOn(conn, 'PaymentLedgerEntry', ledgerSchema);
}

/** What the invoices read: succeeded payments and refunds of one invoice, in fen. */
export interface PaymentLedger {
  totals(invoiceId: string): Promise<{ paid: number; refunded: number }>;
}

export type LedgerTotals = { paid: number; refunded: number };
const IN_LIMIT = 500;

/**
 * Paid and refunded fen per invoice id, summed from the ledger entries (before `at` when given).
 * The one place money per invoice is counted: every decision about what is paid, open or
 * refundable reads this, never a cached total a crash between two writes can leave stale.
 * Up to `IN_LIMIT` invoices one `$in` query; beyond, one pass over the entries (on FerretDB each
 * query reads the whole collection, so chunks would read it once each).
 */
export async function ledgerTotals(
  entries: LedgerEntryModel,
  invoiceIds: Array<Types.ObjectId | string>,
  at?: Date,
): Promise<Map<string, LedgerTotals>> {
  const totals = new Map<string, LedgerTotals>();
  const ids = invoiceIds.filter((id) => isValidObjectId(id)).map(String);
  for (const id of ids) totals.set(id, { paid: 0, refunded: 0 });
  if (ids.length === 0) return totals;
  const rows = await entries.find(entriesFilter(ids, at), { invoiceId: 1, kind: 1, amount: 1 }).lean();
  for (const r of rows) {
    const t = totals.get(String(r.invoiceId));
    if (!t) continue;
    if (r.kind === 'payment') t.paid += r.amount;
    else t.refunded += r.amount;
  }
  return totals;
}

function entriesFilter(ids: string[], at?: Date): Record<string, unknown> {
  const filter: Record<string, unknown> = ids.length <= IN_LIMIT ? { invoiceId: { $in: ids } } : {};
  if (at) filter.at = { $lt: at };
  return filter;
}

export type LedgerMove = Pick<LedgerEntryDoc, 'kind' | 'amount' | 'at'>;

/**
 * The entries of many invoices in the order the money moved, per invoice id: for the readers that
 * need when an invoice was paid in full, not only how much. One read, as `ledgerTotals`.
 */
export async function ledgerMoves(
  entries: LedgerEntryModel,
  invoiceIds: Array<Types.ObjectId | string>,
): Promise<Map<string, LedgerMove[]>> {
  const moves = new Map<string, LedgerMove[]>();
  const ids = invoiceIds.filter((id) => isValidObjectId(id)).map(String);
  for (const id of ids) moves.set(id, []);
  if (ids.length === 0) return moves;
  const rows = await entries
    .find(entriesFilter(ids), { invoiceId: 1, kind: 1, amount: 1, at: 1 })
    .sort({ at: 1, _id: 1 })
    .lean();
  for (const r of rows) moves.get(String(r.invoiceId))?.push({ kind: r.kind, amount: r.amount, at: r.at });
  return moves;
}

/**
 * The payment entries of many payments, by payment id: which orders moved money, how much and
 * when, whatever each payment's own status says (a crash can leave it `created`). One read.
 */
export async function ledgerPaymentsOf(
  entries: LedgerEntryModel,
  paymentIds: Types.ObjectId[],
): Promise<Map<string, { amount: number; at: Date }>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await entries
    .find({ paymentId: { $in: paymentIds }, kind: 'payment' }, { paymentId: 1, amount: 1, at: 1 })
    .lean();
  return new Map(rows.map((r) => [String(r.paymentId), { amount: r.amount, at: r.at }]));
}

export type LedgerEntryInput = Omit<LedgerEntryDoc, '_id' | 'createdAt'>;

export class MongoPaymentLedger implements PaymentLedger {
  constructor(private readonly entries: LedgerEntryModel) {}

  async totals(invoiceId: string): Promise<LedgerTotals> {
    return (await ledgerTotals(this.entries, [invoiceId])).get(invoiceId) ?? { paid: 0, refunded: 0 };
  }

  /** Succeeded refunds of one payment (the refundable rest and the payment's own view). */
  async refundedOfPayment(paymentId: Types.ObjectId | string): Promise<number> {
    const rows = await this.refundsOfPayment(paymentId);
    return rows.reduce((sum, r) => sum + r.amount, 0);
  }

  /** The refund entries of one payment (which refunds moved money, whatever their own status says). */
  async refundsOfPayment(
    paymentId: Types.ObjectId | string,
  ): Promise<Array<{ refundId: Types.ObjectId | null; amount: number }>> {
    return this.entries.find({ paymentId, kind: 'refund' }, { refundId: 1, amount: 1 }).lean();
  }

  /** One entry by its key (a unique-index read), or null when that money has not moved. */
  async entry(key: string): Promise<LedgerEntryDoc | null> {
    return this.entries.findOne({ key }).lean<LedgerEntryDoc>();
  }

  /** Writes the entry once; true when this call wrote it, false when it was already there. */
  async record(entry: LedgerEntryInput): Promise<boolean> {
    try {
      await retryTransient(() => this.entries.create(entry));
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
}
