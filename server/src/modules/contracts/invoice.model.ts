import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  FAPIAO_STATUSES,
  INVOICE_REASON_KINDS,
  INVOICE_STATUSES,
  type FapiaoStatus,
  type InvoiceReasonKind,
  type InvoiceStatus,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * A payment request for one installment. `installmentId` is unique: whichever trigger fires (and
 * however often), an installment gets one invoice. `paidAmount`/`refundedAmount` are never
 * incremented; `InvoiceService.recalculate` sets them from the payment ledger.
 * Open amount = amount − paidAmount + refundedAmount.
 */
export interface InvoiceDoc {
  _id: Types.ObjectId;
  number: string;
  contractId: Types.ObjectId;
  contractNumber: string;
  installmentId: Types.ObjectId;
  customerId: Types.ObjectId;
  projectId: Types.ObjectId | null;
  amount: number;
  paidAmount: number;
  refundedAmount: number;
  status: InvoiceStatus;
  issuedAt: Date | null;
  /** Calendar date (UTC midnight of the Asia/Shanghai day it is due). */
  dueDate: Date;
  /** When the open amount last reached 0 (lateness = paidAt after the due date). */
  paidAt: Date | null;
  reason: {
    kind: InvoiceReasonKind;
    milestoneId: Types.ObjectId | null;
    milestoneName: string | null;
    installmentName: string;
  };
  fapiao: {
    status: FapiaoStatus;
    title: string | null;
    taxId: string | null;
    requestedAt: Date | null;
    number: string | null;
    issuedDate: Date | null;
  };
  /** Finance agreed a payment arrangement with the customer: overdue escalation pauses. */
  arrangementAgreed: boolean;
  arrangementNote: string | null;
  /** The highest overdue escalation rung reached (0 = none); owned by the overdue job. */
  overdueLevel: number;
  voidReason: string | null;
  voidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const invoiceSchema = new Schema<InvoiceDoc>(
  {
    number: { type: String, required: true },
    contractId: { type: Schema.Types.ObjectId, required: true },
    contractNumber: { type: String, required: true },
    installmentId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, default: null },
    amount: { type: Number, required: true },
    paidAmount: { type: Number, required: true, default: 0 },
    refundedAmount: { type: Number, required: true, default: 0 },
    status: { type: String, required: true, enum: INVOICE_STATUSES, default: 'issued' },
    issuedAt: { type: Date, default: null },
    dueDate: { type: Date, required: true },
    paidAt: { type: Date, default: null },
    reason: {
      kind: { type: String, required: true, enum: INVOICE_REASON_KINDS },
      milestoneId: { type: Schema.Types.ObjectId, default: null },
      milestoneName: { type: String, default: null },
      installmentName: { type: String, required: true },
    },
    fapiao: {
      status: { type: String, required: true, enum: FAPIAO_STATUSES, default: 'none' },
      title: { type: String, default: null },
      taxId: { type: String, default: null },
      requestedAt: { type: Date, default: null },
      number: { type: String, default: null },
      issuedDate: { type: Date, default: null },
    },
    arrangementAgreed: { type: Boolean, required: true, default: false },
    arrangementNote: { type: String, default: null },
    overdueLevel: { type: Number, required: true, default: 0 },
    voidReason: { type: String, default: null },
    voidedAt: { type: Date, default: null },
  },
  { collection: 'invoices', timestamps: true },
);
invoiceSchema.index({ installmentId: 1 }, { unique: true });
invoiceSchema.index({ number: 1 }, { unique: true });
invoiceSchema.index({ customerId: 1, _id: -1 });
invoiceSchema.index({ contractId: 1, _id: -1 });
invoiceSchema.index({ projectId: 1, _id: -1 });
// The overdue job and the receivables view: open invoices by due date.
invoiceSchema.index({ status: 1, dueDate: 1 });

export type InvoiceModel = Model<InvoiceDoc>;

export function invoiceModel(conn: Connection): InvoiceModel {
  return modelOn(conn, 'Invoice', invoiceSchema);
}
