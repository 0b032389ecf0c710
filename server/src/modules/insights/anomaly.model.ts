import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  ANOMALY_RULES,
  ANOMALY_STATUSES,
  ANOMALY_SUBJECTS,
  type AnomalyRule,
  type AnomalyStatus,
  type AnomalySubject,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

/** A stored anomaly flag; unique per (subject, subjectId, rule) so the job and the event never flag twice. */
export interface AnomalyFlagDoc {
  _id: Types.ObjectId;
  subject: AnomalySubject;
  subjectId: Types.ObjectId;
  customerId: Types.ObjectId;
  customerName: string | null;
  rule: AnomalyRule;
  reason: string;
  amount: number;
  baseline: { median: number | null; mad: number | null; score: number | null };
  assignee: string;
  status: AnomalyStatus;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: { id: string; name: string } | null;
  resolution: string | null;
}

const anomalyFlagSchema = new Schema<AnomalyFlagDoc>(
  {
    subject: { type: String, required: true, enum: ANOMALY_SUBJECTS },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    customerName: { type: String, default: null },
    rule: { type: String, required: true, enum: ANOMALY_RULES },
    reason: { type: String, required: true },
    amount: { type: Number, required: true },
    baseline: { type: Schema.Types.Mixed, required: true },
    assignee: { type: String, required: true },
    status: { type: String, required: true, enum: ANOMALY_STATUSES, default: 'open' },
    createdAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
    resolvedBy: { type: Schema.Types.Mixed, default: null },
    resolution: { type: String, default: null },
  },
  { collection: 'anomaly_flags', versionKey: false },
);
anomalyFlagSchema.index({ subject: 1, subjectId: 1, rule: 1 }, { unique: true });
anomalyFlagSchema.index({ status: 1, _id: -1 });
anomalyFlagSchema.index({ assignee: 1, _id: -1 });

export type AnomalyFlagModel = Model<AnomalyFlagDoc>;

export function anomalyFlagModel(conn: Connection): AnomalyFlagModel {
  return modelOn(conn, 'AnomalyFlag', anomalyFlagSchema);
}
