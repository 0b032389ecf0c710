import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/** One-time subscribe-message grants a portal account holds per template (each send uses one). */
export interface GrantDoc {
  _id: Types.ObjectId;
  accountId: string;
  templateId: string;
  remaining: number;
  updatedAt: Date;
}

const grantSchema = new Schema<GrantDoc>(
  {
    accountId: { type: String, required: true },
    templateId: { type: String, required: true },
    remaining: { type: Number, required: true, min: 0 },
  },
  { collection: 'subscription_grants', timestamps: { createdAt: false, updatedAt: true } },
);
grantSchema.index({ accountId: 1, templateId: 1 }, { unique: true });

export type GrantModel = Model<GrantDoc>;

export function grantModel(conn: Connection): GrantModel {
  return modelOn(conn, 'SubscriptionGrant', grantSchema);
}
