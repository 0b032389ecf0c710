import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/**
 * One row per delivery attempt of a notice. The unique (noticeId, attempt) index is what hands a
 * notice to exactly one worker: FerretDB v1 does not make a guarded findOneAndUpdate atomic under
 * concurrency (measured: two of eight concurrent claims often both "win"), but it does enforce
 * unique indexes, and so does MongoDB. The rows double as the notice's delivery history (which
 * worker tried when); the outcome of the last attempt is on the notice.
 */
export interface NoticeAttemptDoc {
  _id: Types.ObjectId;
  noticeId: Types.ObjectId;
  attempt: number;
  workerId: string;
  claimedAt: Date;
  leaseUntil: Date;
}

const noticeAttemptSchema = new Schema<NoticeAttemptDoc>(
  {
    noticeId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true },
    workerId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
  },
  { collection: 'notice_attempts', versionKey: false },
);
noticeAttemptSchema.index({ noticeId: 1, attempt: 1 }, { unique: true });

export type NoticeAttemptModel = Model<NoticeAttemptDoc>;

export function noticeAttemptModel(conn: Connection): NoticeAttemptModel {
  return modelOn(conn, 'NoticeAttempt', noticeAttemptSchema);
}
