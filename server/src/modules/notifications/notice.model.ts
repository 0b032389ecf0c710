import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CHANNELS, NOTICE_STATUSES, type Channel, type NoticeStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * The outbox: one document per (event, recipient, channel), written before any delivery. The
 * unique `dedupeKey` makes enqueueing idempotent; `leaseUntil` hands a notice to one worker at a
 * time and gives it back when that worker dies.
 */
export interface NoticeDoc {
  _id: Types.ObjectId;
  dedupeKey: string;
  eventId: string;
  eventType: string;
  channel: Channel;
  recipientKind: 'staff' | 'portal' | 'team';
  recipientId: string;
  /** openid for subscribe messages, team name for WeCom. */
  target: string | null;
  template: string;
  content: {
    title: string;
    body: string;
    page: string | null;
    subscribe?: { templateId: string; data: Record<string, string> };
    markdown?: string;
  };
  status: NoticeStatus;
  attempts: number;
  /** Attempts that do not count towards `maxAttempts`: held back by a rate limit, or made before an admin's retry. */
  deferrals: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  leaseOwner: string | null;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const noticeSchema = new Schema<NoticeDoc>(
  {
    dedupeKey: { type: String, required: true, unique: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    recipientKind: { type: String, required: true },
    recipientId: { type: String, required: true },
    target: { type: String, default: null },
    template: { type: String, required: true },
    content: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true, enum: NOTICE_STATUSES },
    attempts: { type: Number, required: true, default: 0 },
    deferrals: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { collection: 'notices', timestamps: true, minimize: false },
);
// The worker's claim query: due notices by time.
noticeSchema.index({ status: 1, nextAttemptAt: 1 });
noticeSchema.index({ recipientId: 1, status: 1 });
noticeSchema.index({ status: 1, _id: -1 });

export type NoticeModel = Model<NoticeDoc>;

export function noticeModel(conn: Connection): NoticeModel {
  return modelOn(conn, 'Notice', noticeSchema);
}
