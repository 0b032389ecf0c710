import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  CUSTOMER_SOURCES,
  CUSTOMER_TIERS,
  CUSTOMER_TYPES,
  type CustomerSource,
  type CustomerTier,
  type CustomerType,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface CustomerContactDoc {
  name: string;
  title: string;
  phone: string | null;
}

/**
 * A customer of the firm. `nameKey`, `phoneKeys` and `nameSearch` are derived from the name and
 * phones (shared/src/crm-normalize.ts) for duplicate detection and search; their uniqueness is
 * enforced by the `customer_keys` collection, not here. Every field has a default apart from name
 * and type, so records written before the CRM fields existed still read back whole.
 */
export interface CustomerDoc {
  _id: Types.ObjectId;
  name: string;
  type: CustomerType;
  phone: string | null;
  contacts: CustomerContactDoc[];
  source: CustomerSource;
  referredBy: Types.ObjectId | null;
  ownerId: Types.ObjectId | null;
  tier: CustomerTier;
  /** 0–100 from the scoring model (scoring/scoring.service.ts); null until first scored. */
  score: number | null;
  scoreUpdatedAt: Date | null;
  tags: string[];
  autoTags: string[];
  notes: string;
  /** Integer days, 0–365. */
  creditDays: number;
  /** Integer fen. */
  creditLimit: number;
  nameKey: string | null;
  nameSearch: string;
  phoneKeys: string[];
  /**
   * CUSTOMER_KEY_VERSION the derived fields and `customer_keys` rows were computed with; null for
   * records older than versioning, which the key recompute job brings up to date.
   */
  keyVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const contactSchema = new Schema<CustomerContactDoc>(
  {
    name: { type: String, required: true },
    title: { type: String, default: '' },
    phone: { type: String, default: null },
  },
  { _id: false },
);

const customerSchema = new Schema<CustomerDoc>(
  {
    name: { type: String, required: true },
    type: { type: String, required: true, enum: CUSTOMER_TYPES },
    phone: { type: String, default: null },
    contacts: { type: [contactSchema], default: [] },
    source: { type: String, enum: CUSTOMER_SOURCES, default: 'other' },
    referredBy: { type: Schema.Types.ObjectId, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    tier: { type: String, required: true, enum: CUSTOMER_TIERS, default: 'regular' },
    score: { type: Number, default: null },
    scoreUpdatedAt: { type: Date, default: null },
    tags: { type: [String], default: [] },
    autoTags: { type: [String], default: [] },
    notes: { type: String, default: '' },
    creditDays: { type: Number, default: 0 },
    creditLimit: { type: Number, default: 0 },
    nameKey: { type: String, default: null },
    nameSearch: { type: String, default: '' },
    phoneKeys: { type: [String], default: [] },
    keyVersion: { type: Number, default: null },
  },
  { collection: 'customers', timestamps: true },
);
// One index per list filter (each list is newest first by _id).
customerSchema.index({ ownerId: 1, _id: -1 });
customerSchema.index({ tier: 1, _id: -1 });
customerSchema.index({ type: 1, _id: -1 });
customerSchema.index({ tags: 1, _id: -1 });
customerSchema.index({ source: 1, _id: -1 });
customerSchema.index({ nameSearch: 1 });
customerSchema.index({ phoneKeys: 1 });
// The key recompute job's scan: customers below the current key version, in _id order.
customerSchema.index({ keyVersion: 1, _id: 1 });

export type CustomerModel = Model<CustomerDoc>;

export function customerModel(conn: Connection): CustomerModel {
  return modelOn(conn, 'Customer', customerSchema);
}
