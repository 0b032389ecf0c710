import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { STAFF_ROLES, type StaffRole, type StaffUser } from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface StaffUserDoc {
  _id: Types.ObjectId;
  username: string;
  passwordHash: string;
  name: string;
  role: StaffRole;
  phone: string | null;
  active: boolean;
  /** Who this person reports to: complaints and repairs past their deadline escalate to the PM's manager. */
  managerId: Types.ObjectId | null;
  /** Set when an admin chose the password (creation, reset); cleared when the person picks their own. */
  mustChangePassword: boolean;
  passwordChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const staffUserSchema = new Schema<StaffUserDoc>(
  {
    username: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: STAFF_ROLES },
    phone: { type: String, default: null },
    active: { type: Boolean, required: true, default: true },
    managerId: { type: Schema.Types.ObjectId, default: null },
    mustChangePassword: { type: Boolean, required: true, default: false },
    passwordChangedAt: { type: Date, default: null },
  },
  { collection: 'staff_users', timestamps: true },
);
staffUserSchema.index({ role: 1, _id: -1 });

export type StaffUserModel = Model<StaffUserDoc>;

export function staffUserModel(conn: Connection): StaffUserModel {
  return modelOn(conn, 'StaffUser', staffUserSchema);
}

export function toStaffUser(doc: StaffUserDoc): StaffUser {
  return {
    id: String(doc._id),
    username: doc.username,
    name: doc.name,
    role: doc.role,
    phone: doc.phone,
    active: doc.active,
    createdAt: doc.createdAt.toISOString(),
  };
}
