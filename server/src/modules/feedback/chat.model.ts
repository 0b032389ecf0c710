import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CHAT_SIDES, type ChatSide } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * One message of a project's thread. Never deleted: retracting only sets `retractedAt`, the text
 * and files stay for audit. `seq` numbers the thread 1, 2, 3… and is assigned under a per-project
 * lock, so a reader asking "after N" can never skip a message that commits late.
 */
export interface ChatMessageDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  seq: number;
  author: { id: string; name: string; side: ChatSide; role: string };
  text: string;
  fileIds: Types.ObjectId[];
  /** `<authorId>:<clientKey>` (or a fresh id): a resent message is found instead of posted twice. */
  dedupeKey: string;
  retractedAt: Date | null;
  createdAt: Date;
}

const authorSchema = new Schema<ChatMessageDoc['author']>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    side: { type: String, required: true, enum: CHAT_SIDES },
    role: { type: String, required: true },
  },
  { _id: false },
);

const chatMessageSchema = new Schema<ChatMessageDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    author: { type: authorSchema, required: true },
    text: { type: String, default: '' },
    fileIds: { type: [Schema.Types.ObjectId], default: [] },
    dedupeKey: { type: String, required: true, unique: true },
    retractedAt: { type: Date, default: null },
  },
  { collection: 'chat_messages', timestamps: { createdAt: true, updatedAt: false } },
);
// The thread's pages and the backstop against two messages with one position.
chatMessageSchema.index({ projectId: 1, seq: -1 }, { unique: true });

/** How far a reader has read a thread: unread = messages by others with a higher seq. */
export interface ChatReadDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  readerId: string;
  lastReadSeq: number;
  updatedAt: Date;
}

const chatReadSchema = new Schema<ChatReadDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    readerId: { type: String, required: true },
    lastReadSeq: { type: Number, required: true, default: 0 },
  },
  { collection: 'chat_reads', timestamps: { createdAt: false, updatedAt: true } },
);
chatReadSchema.index({ readerId: 1, projectId: 1 }, { unique: true });

export type ChatMessageModel = Model<ChatMessageDoc>;
export type ChatReadModel = Model<ChatReadDoc>;

export function chatModels(conn: Connection) {
  return {
    chatMessages: modelOn(conn, 'ChatMessage', chatMessageSchema),
    chatReads: modelOn(conn, 'ChatRead', chatReadSchema),
  };
}
