import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_STATUSES,
  type ComplaintCategory,
  type ComplaintStatus,
} from '@gantry/shared';
import { modelOn } from '../../core/db';
import { escalationEntrySchema, personSchema, type EscalationEntry, type Person } from './escalation.model';

export interface ComplaintDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  category: ComplaintCategory;
  description: string;
  photoIds: Types.ObjectId[];
  status: ComplaintStatus;
  /** 1, then +1 per reopening; deadlines and escalations belong to a round. */
  round: number;
  raisedBy: Person & { kind: 'staff' | 'portal' };
  /** When the customer raised it (staff may log a complaint received earlier). */
  openedAt: Date;
  /** When the current round started (openedAt, or the reopening). */
  roundOpenedAt: Date;
  responseDueAt: Date;
  resolutionDueAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: Person | null;
  /** What staff told the customer on acknowledging (e.g. when they will come). */
  acknowledgeNote: string | null;
  resolution: string | null;
  resolutionPhotoIds: Types.ObjectId[];
  resolvedAt: Date | null;
  resolvedBy: Person | null;
  closedAt: Date | null;
  reopenReason: string | null;
  escalations: EscalationEntry[];
  /** Set when the current round's deadline was escalated (keeps it out of the job's next query). */
  responseEscalatedAt: Date | null;
  resolutionEscalatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const complaintSchema = new Schema<ComplaintDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true, enum: COMPLAINT_CATEGORIES },
    description: { type: String, required: true },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, required: true, enum: COMPLAINT_STATUSES, default: 'open' },
    round: { type: Number, required: true, default: 1 },
    raisedBy: {
      type: new Schema(
        { id: String, name: String, kind: { type: String, enum: ['staff', 'portal'] } },
        { _id: false },
      ),
      required: true,
    },
    openedAt: { type: Date, required: true },
    roundOpenedAt: { type: Date, required: true },
    responseDueAt: { type: Date, required: true },
    resolutionDueAt: { type: Date, required: true },
    acknowledgedAt: { type: Date, default: null },
    acknowledgedBy: { type: personSchema, default: null },
    acknowledgeNote: { type: String, default: null },
    resolution: { type: String, default: null },
    resolutionPhotoIds: { type: [Schema.Types.ObjectId], default: [] },
    resolvedAt: { type: Date, default: null },
    resolvedBy: { type: personSchema, default: null },
    closedAt: { type: Date, default: null },
    reopenReason: { type: String, default: null },
    escalations: { type: [escalationEntrySchema], default: [] },
    responseEscalatedAt: { type: Date, default: null },
    resolutionEscalatedAt: { type: Date, default: null },
  },
  { collection: 'complaints', timestamps: true },
);
// Lists: a customer's, a project's (PM scope), by status (service board); newest first.
complaintSchema.index({ customerId: 1, _id: -1 });
complaintSchema.index({ projectId: 1, _id: -1 });
complaintSchema.index({ status: 1, _id: -1 });
// The escalation job: open complaints by deadline.
complaintSchema.index({ status: 1, responseDueAt: 1 });
complaintSchema.index({ status: 1, resolutionDueAt: 1 });

export type ComplaintModel = Model<ComplaintDoc>;

export function complaintModel(conn: Connection): ComplaintModel {
  return modelOn(conn, 'Complaint', complaintSchema);
}
