import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/** One refit of the churn model (kept as history; the newest is current). */
export interface ChurnFitDoc {
  _id: Types.ObjectId;
  status: 'ready' | 'insufficient_data';
  fittedAt: Date;
  definition: string;
  reason: string | null;
  needed: number;
  have: number;
  labelled: number;
  churned: number;
  threshold: number;
  intercept: number;
  coefficients: Array<{ factor: string; coefficient: number; mean: number; std: number }>;
}

const fitSchema = new Schema<ChurnFitDoc>(
  {
    status: { type: String, required: true, enum: ['ready', 'insufficient_data'] },
    fittedAt: { type: Date, required: true },
    definition: { type: String, required: true },
    reason: { type: String, default: null },
    needed: { type: Number, required: true },
    have: { type: Number, required: true },
    labelled: { type: Number, required: true },
    churned: { type: Number, required: true },
    threshold: { type: Number, required: true },
    intercept: { type: Number, default: 0 },
    coefficients: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'churn_fits', versionKey: false },
);
fitSchema.index({ fittedAt: -1 });

/** A customer's churn probability from the current fit (one per customer, replaced on each refit). */
export interface ChurnScoreDoc {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  customerName: string;
  ownerId: Types.ObjectId | null;
  fitId: Types.ObjectId;
  probability: number;
  flagged: boolean;
  factors: Array<{ factor: string; label: string; value: number; contribution: number }>;
  topFactors: Array<{ factor: string; label: string; value: number; contribution: number }>;
  scoredAt: Date;
}

const scoreSchema = new Schema<ChurnScoreDoc>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    customerName: { type: String, required: true },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    fitId: { type: Schema.Types.ObjectId, required: true },
    probability: { type: Number, required: true },
    flagged: { type: Boolean, required: true },
    factors: { type: Schema.Types.Mixed, default: [] },
    topFactors: { type: Schema.Types.Mixed, default: [] },
    scoredAt: { type: Date, required: true },
  },
  { collection: 'churn_scores', versionKey: false },
);
scoreSchema.index({ customerId: 1 }, { unique: true });
scoreSchema.index({ ownerId: 1, _id: -1 });
scoreSchema.index({ flagged: 1, _id: -1 });

export type ChurnFitModel = Model<ChurnFitDoc>;
export type ChurnScoreModel = Model<ChurnScoreDoc>;

export function churnModels(conn: Connection) {
  return {
    churnFits: modelOn(conn, 'ChurnFit', fitSchema),
    churnScores: modelOn(conn, 'ChurnScore', scoreSchema),
  };
}
