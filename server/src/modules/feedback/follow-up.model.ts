import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { FOLLOW_UP_STATUSES, RATING_SUBJECTS, type FollowUpStatus, type RatingSubject } from '@gantry/shared';
import { modelOn } from '../../core/db';
import { personSchema, type Person } from './escalation.model';

/** A low rating asks the PM to follow up with the customer: one task per rating (unique ratingId). */
export interface FollowUpTaskDoc {
  _id: Types.ObjectId;
  ratingId: Types.ObjectId;
  subject: RatingSubject;
  subjectId: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  /** The project's PM when the task opened (null: the project had none; admins and service see it). */
  pmId: Types.ObjectId | null;
  overall: number;
  comment: string;
  status: FollowUpStatus;
  note: string | null;
  closedBy: Person | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const followUpSchema = new Schema<FollowUpTaskDoc>(
  {
    ratingId: { type: Schema.Types.ObjectId, required: true },
    subject: { type: String, required: true, enum: RATING_SUBJECTS },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    pmId: { type: Schema.Types.ObjectId, default: null },
    overall: { type: Number, required: true },
    comment: { type: String, default: '' },
    status: { type: String, required: true, enum: FOLLOW_UP_STATUSES, default: 'open' },
    note: { type: String, default: null },
    closedBy: { type: personSchema, default: null },
    closedAt: { type: Date, default: null },
  },
  { collection: 'follow_up_tasks', timestamps: true },
);
followUpSchema.index({ ratingId: 1 }, { unique: true });
// A PM's list (by status), the service board (by status), a project's.
followUpSchema.index({ pmId: 1, status: 1, _id: -1 });
followUpSchema.index({ status: 1, _id: -1 });
followUpSchema.index({ projectId: 1, _id: -1 });

export type FollowUpTaskModel = Model<FollowUpTaskDoc>;

export function followUpTaskModel(conn: Connection): FollowUpTaskModel {
  return modelOn(conn, 'FollowUpTask', followUpSchema);
}
