import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ScoringFactor } from '@gantry/shared';
import { modelOn } from '../../../core/db';

/** One saved version of the scoring model; the highest version is the one in force. */
export interface ScoringModelDoc {
  _id: Types.ObjectId;
  version: number;
  factors: Record<ScoringFactor, { weight: number; cap: number }>;
  tierRules: { highValueMinAnnualValue: number; riskMinLatePayments: number; potentialWhenUnsigned: boolean };
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}

const scoringModelSchema = new Schema<ScoringModelDoc>(
  {
    version: { type: Number, required: true },
    factors: { type: Schema.Types.Mixed, required: true },
    tierRules: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'crm_scoring_models', versionKey: false },
);
// Two admins saving at once cannot both take the same version.
scoringModelSchema.index({ version: 1 }, { unique: true });

export type ScoringModelModel = Model<ScoringModelDoc>;

export function scoringModelModel(conn: Connection): ScoringModelModel {
  return modelOn(conn, 'CrmScoringModel', scoringModelSchema);
}
