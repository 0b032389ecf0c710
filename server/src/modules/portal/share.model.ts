import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/**
 * A read-only link to a project's customer-visible progress. Only the SHA-256 of the token is kept,
 * so a leaked database does not leak working links; the token itself is shown once, at creation.
 */
export interface ShareDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  tokenHash: string;
  label: string;
  createdBy: { id: string; name: string };
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  createdAt: Date;
}

const personSchema = new Schema<{ id: string; name: string }>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const shareSchema = new Schema<ShareDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    tokenHash: { type: String, required: true, unique: true },
    label: { type: String, default: '' },
    createdBy: { type: personSchema, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
  },
  { collection: 'project_shares', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
shareSchema.index({ projectId: 1, _id: -1 });

export type ShareModel = Model<ShareDoc>;

export function shareModel(conn: Connection): ShareModel {
  return modelOn(conn, 'ProjectShare', shareSchema);
}
