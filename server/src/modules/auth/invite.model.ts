import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/** A single-use code that binds a WeChat portal account to a customer. */
export interface InviteDoc {
  _id: Types.ObjectId;
  code: string;
  customerId: Types.ObjectId;
  createdBy: Types.ObjectId;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: Types.ObjectId | null;
  createdAt: Date;
}

const inviteSchema = new Schema<InviteDoc>(
  {
    code: { type: String, required: true, unique: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    usedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'invites', timestamps: { createdAt: true, updatedAt: false } },
);
inviteSchema.index({ customerId: 1, createdAt: -1 });
inviteSchema.index({ expiresAt: 1 }); // purgeExpired

export type InviteModel = Model<InviteDoc>;

export function inviteModel(conn: Connection): InviteModel {
  return modelOn(conn, 'Invite', inviteSchema);
}

/**
 * The redemption of an invite, one per invite by a unique index: that index, not a guarded update,
 * is what makes an invite single-use (FerretDB v1 does not make guarded updates atomic).
 */
export interface InviteRedemptionDoc {
  _id: Types.ObjectId;
  inviteId: Types.ObjectId;
  accountId: Types.ObjectId;
  at: Date;
}

const inviteRedemptionSchema = new Schema<InviteRedemptionDoc>(
  {
    inviteId: { type: Schema.Types.ObjectId, required: true, unique: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'invite_redemptions', versionKey: false },
);

export type InviteRedemptionModel = Model<InviteRedemptionDoc>;

export function inviteRedemptionModel(conn: Connection): InviteRedemptionModel {
  return modelOn(conn, 'InviteRedemption', inviteRedemptionSchema);
}
