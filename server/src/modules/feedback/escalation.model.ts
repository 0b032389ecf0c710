import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { FEEDBACK_DEADLINE_KINDS, type FeedbackDeadline } from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface Person {
  id: string;
  name: string;
}

export const personSchema = new Schema<Person>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

/** An escalation as the complaint or repair shows it. */
export interface EscalationEntry {
  deadline: FeedbackDeadline;
  round: number;
  at: Date;
  managerId: string | null;
}

export const escalationEntrySchema = new Schema<EscalationEntry>(
  {
    deadline: { type: String, required: true, enum: FEEDBACK_DEADLINE_KINDS },
    round: { type: Number, required: true },
    at: { type: Date, required: true },
    managerId: { type: String, default: null },
  },
  { _id: false },
);

export type EscalatedKind = 'complaint' | 'repair';

/**
 * One breached deadline, escalated once. The unique `key` (`<kind>:<id>:<round>:<deadline>`) is
 * what makes "once" hold: FerretDB v1's guarded updates are not atomic, so two job runs racing on
 * the same breach both try to insert this marker and exactly one succeeds. `publishedAt` stays
 * null until the event is out, so a run that died after the insert is finished by the next one.
 */
export interface EscalationMarkerDoc {
  _id: Types.ObjectId;
  key: string;
  kind: EscalatedKind;
  refId: Types.ObjectId;
  round: number;
  deadline: FeedbackDeadline;
  dueAt: Date;
  managerId: string | null;
  /** Admins notified instead when the PM has no manager (or the project no PM). */
  fallbackStaffIds: string[];
  publishedAt: Date | null;
  createdAt: Date;
}

const markerSchema = new Schema<EscalationMarkerDoc>(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: ['complaint', 'repair'] },
    refId: { type: Schema.Types.ObjectId, required: true },
    round: { type: Number, required: true },
    deadline: { type: String, required: true, enum: FEEDBACK_DEADLINE_KINDS },
    dueAt: { type: Date, required: true },
    managerId: { type: String, default: null },
    fallbackStaffIds: { type: [String], default: [] },
    publishedAt: { type: Date, default: null },
  },
  { collection: 'feedback_escalations', timestamps: { createdAt: true, updatedAt: false } },
);
markerSchema.index({ publishedAt: 1 });
markerSchema.index({ refId: 1 });

export type EscalationMarkerModel = Model<EscalationMarkerDoc>;

export function escalationMarkerModel(conn: Connection): EscalationMarkerModel {
  return modelOn(conn, 'FeedbackEscalation', markerSchema);
}

export const escalationKey = (kind: EscalatedKind, id: string, round: number, deadline: FeedbackDeadline) =>
  `${kind}:${id}:${round}:${deadline}`;
