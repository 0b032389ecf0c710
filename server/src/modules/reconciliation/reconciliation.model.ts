import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  DISCREPANCY_KINDS,
  RECONCILIATION_STATUSES,
  type DiscrepancyKind,
  type ReconciliationCounts,
  type ReconciliationStatus,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

/** One report per bill day (unique `date`): a re-run updates it in place. */
export interface ReconciliationDoc {
  _id: Types.ObjectId;
  date: string;
  status: ReconciliationStatus;
  emptyBill: boolean;
  hashValue: string | null;
  counts: ReconciliationCounts;
  billPaid: number;
  billRefunded: number;
  /** The run that wrote the current discrepancies (older runs' unresolved ones are removed). */
  runId: Types.ObjectId;
  runs: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const countsSchema = {
  billLines: { type: Number, default: 0 },
  matched: { type: Number, default: 0 },
  missing_ours: { type: Number, default: 0 },
  missing_bill: { type: Number, default: 0 },
  amount_mismatch: { type: Number, default: 0 },
  status_mismatch: { type: Number, default: 0 },
};

const reportSchema = new Schema<ReconciliationDoc>(
  {
    date: { type: String, required: true },
    status: { type: String, required: true, enum: RECONCILIATION_STATUSES },
    emptyBill: { type: Boolean, default: false },
    hashValue: { type: String, default: null },
    counts: countsSchema,
    billPaid: { type: Number, default: 0 },
    billRefunded: { type: Number, default: 0 },
    runId: { type: Schema.Types.ObjectId, required: true },
    runs: { type: Number, default: 0 },
    error: { type: String, default: null },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'reconciliations', timestamps: true },
);
reportSchema.index({ date: 1 }, { unique: true });

export interface DiscrepancyDoc {
  _id: Types.ObjectId;
  reportId: Types.ObjectId;
  /** `payment:<out_trade_no>` or `refund:<out_refund_no>`: one discrepancy per record per report. */
  key: string;
  runId: Types.ObjectId;
  kind: DiscrepancyKind;
  subject: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  wechatId: string | null;
  billAmount: number | null;
  ourAmount: number | null;
  billStatus: string | null;
  ourStatus: string | null;
  paymentId: Types.ObjectId | null;
  refundId: Types.ObjectId | null;
  invoiceId: Types.ObjectId | null;
  resolved: { note: string; by: Types.ObjectId; byName: string; at: Date } | null;
}

const discrepancySchema = new Schema<DiscrepancyDoc>(
  {
    reportId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    runId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true, enum: DISCREPANCY_KINDS },
    subject: { type: String, required: true, enum: ['payment', 'refund'] },
    outTradeNo: { type: String, required: true },
    outRefundNo: { type: String, default: null },
    wechatId: { type: String, default: null },
    billAmount: { type: Number, default: null },
    ourAmount: { type: Number, default: null },
    billStatus: { type: String, default: null },
    ourStatus: { type: String, default: null },
    paymentId: { type: Schema.Types.ObjectId, default: null },
    refundId: { type: Schema.Types.ObjectId, default: null },
    invoiceId: { type: Schema.Types.ObjectId, default: null },
    resolved: {
      type: new Schema(
        {
          note: { type: String, required: true },
          by: { type: Schema.Types.ObjectId, required: true },
          byName: { type: String, required: true },
          at: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { collection: 'reconciliation_discrepancies', timestamps: true },
);
discrepancySchema.index({ reportId: 1, key: 1 }, { unique: true });
discrepancySchema.index({ reportId: 1, _id: -1 });

export type ReconciliationModel = Model<ReconciliationDoc>;
export type DiscrepancyModel = Model<DiscrepancyDoc>;

export function reconciliationModels(conn: Connection) {
  return {
    reconciliations: modelOn(conn, 'Reconciliation', reportSchema) as ReconciliationModel,
    discrepancies: modelOn(conn, 'ReconciliationDiscrepancy', discrepancySchema) as DiscrepancyModel,
  };
}
