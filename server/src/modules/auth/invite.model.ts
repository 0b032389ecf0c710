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
