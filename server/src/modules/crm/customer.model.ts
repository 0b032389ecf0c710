import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CUSTOMER_TIERS, CUSTOMER_TYPES, type CustomerTier, type CustomerType } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * The customer record as far as the foundation needs it (ownership for the policy, a name for
 * the portal, tier for the demo). The CRM issue extends it with contacts, sources and scoring.
 */
export interface CustomerDoc {
  _id: Types.ObjectId;
  name: string;
  type: CustomerType;
  phone: string | null;
  ownerId: Types.ObjectId | null;
  tier: CustomerTier;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

const customerSchema = new Schema<CustomerDoc>(
  {
    name: { type: String, required: true },
    type: { type: String, required: true, enum: CUSTOMER_TYPES },
    phone: { type: String, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    tier: { type: String, required: true, enum: CUSTOMER_TIERS, default: 'regular' },
    tags: { type: [String], default: [] },
  },
  { collection: 'customers', timestamps: true },
);
customerSchema.index({ ownerId: 1, _id: -1 });
customerSchema.index({ tier: 1, _id: -1 });

export type CustomerModel = Model<CustomerDoc>;

export function customerModel(conn: Connection): CustomerModel {
  return modelOn(conn, 'Customer', customerSchema);
}
