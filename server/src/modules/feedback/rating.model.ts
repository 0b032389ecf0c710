import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { RATING_SUBJECTS, type RatingSubject } from '@gantry/shared';
import { modelOn } from '../../core/db';
import { personSchema, type Person } from './escalation.model';

/**
 * A customer's rating of a milestone or of the whole project. Unique per (subject, subjectId,
 * customerId): one rating per milestone per customer, however many portal accounts it has.
 */
export interface RatingDoc {
  _id: Types.ObjectId;
  subject: RatingSubject;
  subjectId: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  overall: number;
  quality: number;
  schedule: number;
  communication: number;
  tidiness: number;
  comment: string;
  by: Person;
  editableUntil: Date;
  createdAt: Date;
  updatedAt: Date;
}

const stars = { type: Number, required: true, min: 1, max: 5 };

const ratingSchema = new Schema<RatingDoc>(
  {
    subject: { type: String, required: true, enum: RATING_SUBJECTS },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    overall: stars,
    quality: stars,
    schedule: stars,
    communication: stars,
    tidiness: stars,
    comment: { type: String, default: '' },
    by: { type: personSchema, required: true },
    editableUntil: { type: Date, required: true },
  },
  { collection: 'ratings', timestamps: true },
);
ratingSchema.index({ subject: 1, subjectId: 1, customerId: 1 }, { unique: true });
// The satisfaction score factor (a customer's ratings), and a project's ratings.
ratingSchema.index({ customerId: 1, createdAt: -1 });
ratingSchema.index({ projectId: 1, _id: -1 });

export type RatingModel = Model<RatingDoc>;

export function ratingModel(conn: Connection): RatingModel {
  return modelOn(conn, 'Rating', ratingSchema);
}
