import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { PAYMENT_STATUSES, type PaymentStatus, type RequestPaymentParams } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * One attempt of a portal account to pay an invoice through WeChat Pay (JSAPI). `outTradeNo` is ours
 * and unique; `(portalAccountId, idempotencyKey)` is unique so a retried or doubled "pay" tap finds
 * the same payment; `transactionId` (WeChat's) is unique once known. Money counts only through the
 * ledger entry written when the payment is settled (see payment-ledger.model.ts).
 */
export interface PaymentDoc {
  _id: Types.ObjectId;
  invoiceId: Types.ObjectId;
  /** The invoice's number, for receipts and notices. */
  invoiceNumber: string;
  customerId: Types.ObjectId;
  portalAccountId: Types.ObjectId;
  idempotencyKey: string;
  amount: number;
  outTradeNo: string;
  status: PaymentStatus;
  /** The payer's openid the order was created for (and, once paid, the one WeChat reports). */
  payerOpenid: string;
  description: string;
  prepayId: string | null;
  /** The signed `wx.requestPayment` parameters, returned again for the same idempotency key. */
  requestPayment: RequestPaymentParams | null;
  transactionId: string | null;
  paidAt: Date | null;
  /** Refunds that succeeded, recomputed from the ledger (never incremented). */
  refundedAmount: number;
  /** The work after the answer to WeChat (invoice recalculation, notices) is done; null = still owed. */
  effectsDoneAt: Date | null;
  closedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const paymentSchema = new Schema<PaymentDoc>(
  {
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    invoiceNumber: { type: String, default: '' },
    customerId: { type: Schema.Types.ObjectId, required: true },
    portalAccountId: { type: Schema.Types.ObjectId, required: true },
    idempotencyKey: { type: String, required: true },
    amount: { type: Number, required: true },
    outTradeNo: { type: String, required: true },
    status: { type: String, required: true, enum: PAYMENT_STATUSES, default: 'created' },
    payerOpenid: { type: String, required: true },
    description: { type: String, required: true },
    prepayId: { type: String, default: null },
    requestPayment: { type: Schema.Types.Mixed, default: null },
    transactionId: { type: String, default: undefined },
    paidAt: { type: Date, default: null },
    refundedAmount: { type: Number, required: true, default: 0 },
    effectsDoneAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { collection: 'payments', timestamps: true },
);
paymentSchema.index({ outTradeNo: 1 }, { unique: true });
paymentSchema.index({ portalAccountId: 1, idempotencyKey: 1 }, { unique: true });
paymentSchema.index({ transactionId: 1 }, { unique: true, sparse: true });
paymentSchema.index({ invoiceId: 1, _id: -1 });
paymentSchema.index({ customerId: 1, _id: -1 });
// The settle job: open orders by age, and paid ones whose after-work is still owed.
paymentSchema.index({ status: 1, createdAt: 1 });
paymentSchema.index({ effectsDoneAt: 1, status: 1 });

export type PaymentModel = Model<PaymentDoc>;

export function paymentModel(conn: Connection): PaymentModel {
  return modelOn(conn, 'Payment', paymentSchema);
}
