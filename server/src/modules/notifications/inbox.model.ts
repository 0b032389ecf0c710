import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { InboxItem } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** What a user sees in the in-app inbox. `dedupeKey` is the notice's: delivered at most once. */
export interface InboxItemDoc {
  _id: Types.ObjectId;
  recipientId: string;
  dedupeKey: string;
  eventType: string;
  title: string;
  body: string;
  page: string | null;
  readAt: Date | null;
  createdAt: Date;
}

const inboxItemSchema = new Schema<InboxItemDoc>(
  {
    recipientId: { type: String, required: true },
    dedupeKey: { type: String, required: true, unique: true },
    eventType: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    page: { type: String, default: null },
    readAt: { type: Date, default: null },
  },
  { collection: 'inbox_items', timestamps: { createdAt: true, updatedAt: false } },
);
inboxItemSchema.index({ recipientId: 1, _id: -1 });
inboxItemSchema.index({ recipientId: 1, readAt: 1 });

export type InboxItemModel = Model<InboxItemDoc>;

export function inboxItemModel(conn: Connection): InboxItemModel {
  return modelOn(conn, 'InboxItem', inboxItemSchema);
}

export function toInboxItem(doc: InboxItemDoc): InboxItem {
  return {
    id: String(doc._id),
    eventType: doc.eventType,
    title: doc.title,
    body: doc.body,
    page: doc.page,
    createdAt: doc.createdAt.toISOString(),
    readAt: doc.readAt ? doc.readAt.toISOString() : null,
  };
}
