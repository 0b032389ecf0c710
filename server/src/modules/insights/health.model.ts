import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { HealthCustomer, HealthReport } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** One weekly customer-health report of one owner; unique per (owner, week), so a re-run rewrites it in place. */
export interface HealthReportDoc {
  _id: Types.ObjectId;
  ownerId: Types.ObjectId;
  ownerName: string;
  week: string;
  generatedAt: Date;
  quietDays: number;
  lowRatingMax: number;
  summary: HealthReport['summary'];
  customers: HealthCustomer[];
}

const healthReportSchema = new Schema<HealthReportDoc>(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true },
    ownerName: { type: String, required: true },
    week: { type: String, required: true },
    generatedAt: { type: Date, required: true },
    quietDays: { type: Number, required: true },
    lowRatingMax: { type: Number, required: true },
    summary: { type: Schema.Types.Mixed, required: true },
    customers: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'health_reports', versionKey: false },
);
healthReportSchema.index({ ownerId: 1, week: 1 }, { unique: true });
healthReportSchema.index({ ownerId: 1, generatedAt: -1 });

export type HealthReportModel = Model<HealthReportDoc>;

export function healthReportModel(conn: Connection): HealthReportModel {
  return modelOn(conn, 'HealthReport', healthReportSchema);
}
