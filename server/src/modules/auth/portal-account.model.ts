import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/** A customer's WeChat sign-in: one per openid, created unbound, bound to a customer by an invite. */
export interface PortalAccountDoc {
  _id: Types.ObjectId;
  openid: string;
  unionid: string | null;
  customerId: Types.ObjectId | null;
  name: string;
  boundAt: Date | null;
  lastLoginAt: Date;
  createdAt: Date;
}

const portalAccountSchema = new Schema<PortalAccountDoc>(
  {
    openid: { type: String, required: true, unique: true },
    unionid: { type: String, default: null },
    customerId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, default: '微信用户' },
    boundAt: { type: Date, default: null },
    lastLoginAt: { type: Date, required: true },
  },
  { collection: 'portal_accounts', timestamps: { createdAt: true, updatedAt: false } },
);
portalAccountSchema.index({ customerId: 1 });

export type PortalAccountModel = Model<PortalAccountDoc>;

export function portalAccountModel(conn: Connection): PortalAccountModel {
  return modelOn(conn, 'PortalAccount', portalAccountSchema);
}
