import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { REFUND_STATUSES, type RefundStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface RefundApproval {
  by: Types.ObjectId;
  byName: string;
  decision: 'approved' | 'rejected';
  comment: string | null;
  at: Date;
}

/**
 * A full or partial refund of one payment. Above the configured amount it waits for a second
 * finance user or an admin (`pending_approval`); then WeChat is asked (`processing`) and the refund
 * notification (or the settle job's query) ends it: succeeded / failed (abnormal) / closed.
 */
export interface RefundDoc {
  _id: Types.ObjectId;
  paymentId: Types.ObjectId;
  invoiceId: Types.ObjectId;
  customerId: Types.ObjectId;
  outRefundNo: string;
  amount: number;
  reason: string;
  status: RefundStatus;
  requestedBy: Types.ObjectId;
  requestedByName: string;
  needsApproval: boolean;
  approvals: RefundApproval[];
  /** WeChat's refund id, once the refund call was accepted. */
  refundId: string | null;
  succeededAt: Date | null;
  /** Invoice recalculation and notices after success are done; null = still owed. */
  effectsDoneAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const refundSchema = new Schema<RefundDoc>(
  {
    paymentId: { type: Schema.Types.ObjectId, required: true },
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    outRefundNo: { type: String, required: true },
    amount: { type: Number, required: true },
    reason: { type: String, required: true },
    status: { type: String, required: true, enum: REFUND_STATUSES },
    requestedBy: { type: Schema.Types.ObjectId, required: true },
    requestedByName: { type: String, required: true },
    needsApproval: { type: Boolean, required: true },
    approvals: [
      {
        _id: false,
        by: { type: Schema.Types.ObjectId, required: true },
        byName: { type: String, required: true },
        decision: { type: String, required: true, enum: ['approved', 'rejected'] },
        comment: { type: String, default: null },
        at: { type: Date, required: true },
      },
    ],
    refundId: { type: String, default: undefined },
    succeededAt: { type: Date, default: null },
    effectsDoneAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { collection: 'refunds', timestamps: true },
);
refundSchema.index({ outRefundNo: 1 }, { unique: true });
refundSchema.index({ refundId: 1 }, { unique: true, sparse: true });
refundSchema.index({ paymentId: 1, _id: -1 });
refundSchema.index({ invoiceId: 1, _id: -1 });
refundSchema.index({ status: 1, _id: -1 });

export type RefundModel = Model<RefundDoc>;

export function refundModel(conn: Connection): RefundModel {
  return modelOn(conn, 'Refund', refundSchema);
}
