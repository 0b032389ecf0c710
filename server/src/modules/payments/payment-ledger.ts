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

export type LedgerEntryModel = Model<LedgerEntryDoc>;

/** The entry of a payment is keyed by our order number, that of a refund by our refund number. */
export const paymentLedgerKey = (outTradeNo: string) => `payment:${outTradeNo}`;
export const refundLedgerKey = (outRefundNo: string) => `refund:${outRefundNo}`;

export function ledgerEntryModel(conn: Connection): LedgerEntryModel {
  return modelOn(conn, 'PaymentLedgerEntry', ledgerSchema);
}

/** What the invoices read (contract in COMMON7): succeeded payments and refunds of one invoice, in fen. */
export interface PaymentLedger {
  totals(invoiceId: string): Promise<{ paid: number; refunded: number }>;
}

export type LedgerEntryInput = Omit<LedgerEntryDoc, '_id' | 'createdAt'>;

export class MongoPaymentLedger implements PaymentLedger {
  constructor(private readonly entries: LedgerEntryModel) {}

  async totals(invoiceId: string): Promise<{ paid: number; refunded: number }> {
    if (!isValidObjectId(invoiceId)) return { paid: 0, refunded: 0 };
    const rows = await this.entries.find({ invoiceId }, { kind: 1, amount: 1 }).lean();
    let paid = 0;
    let refunded = 0;
    for (const r of rows) {
      if (r.kind === 'payment') paid += r.amount;
      else refunded += r.amount;
    }
    return { paid, refunded };
  }

  /** Succeeded refunds of one payment (the refundable rest and the payment's own view). */
  async refundedOfPayment(paymentId: Types.ObjectId | string): Promise<number> {
    const rows = await this.entries.find({ paymentId, kind: 'refund' }, { amount: 1 }).lean();
    return rows.reduce((sum, r) => sum + r.amount, 0);
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
