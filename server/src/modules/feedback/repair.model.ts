import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { REPAIR_PRIORITIES, REPAIR_STATUSES, type RepairPriority, type RepairStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';
import { escalationEntrySchema, personSchema, type EscalationEntry, type Person } from './escalation.model';

/** A warranty / after-sales repair request (报修) on a handed-over project. */
export interface RepairDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  description: string;
  location: string;
  photoIds: Types.ObjectId[];
  status: RepairStatus;
  /** 1, then +1 per reopening; deadlines and escalations belong to a round. */
  round: number;
  raisedBy: Person & { kind: 'staff' | 'portal' };
  filedAt: Date;
  /** When the current round started (filedAt, or the reopening). */
  roundOpenedAt: Date;
  /** Filed after the warranty ended (decided once, at filing): the customer pays. */
  chargeable: boolean;
  warrantyEndsAt: Date | null;
  responseDueAt: Date;
  resolutionDueAt: Date;
  priority: RepairPriority | null;
  assignee: Person | null;
  triagedAt: Date | null;
  visitAt: Date | null;
  fixNote: string | null;
  fixPhotoIds: Types.ObjectId[];
  fixedAt: Date | null;
  fixedBy: Person | null;
  confirmedAt: Date | null;
  rating: number | null;
  ratingComment: string | null;
  reopenReason: string | null;
  cancelReason: string | null;
  escalations: EscalationEntry[];
  responseEscalatedAt: Date | null;
  resolutionEscalatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const repairSchema = new Schema<RepairDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    description: { type: String, required: true },
    location: { type: String, required: true },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, required: true, enum: REPAIR_STATUSES, default: 'submitted' },
    round: { type: Number, required: true, default: 1 },
    raisedBy: {
      type: new Schema(
        { id: String, name: String, kind: { type: String, enum: ['staff', 'portal'] } },
        { _id: false },
      ),
      required: true,
    },
    filedAt: { type: Date, required: true },
    roundOpenedAt: { type: Date, required: true },
    chargeable: { type: Boolean, required: true },
    warrantyEndsAt: { type: Date, default: null },
    responseDueAt: { type: Date, required: true },
    resolutionDueAt: { type: Date, required: true },
    priority: { type: String, enum: [...REPAIR_PRIORITIES, null], default: null },
    assignee: { type: personSchema, default: null },
    triagedAt: { type: Date, default: null },
    visitAt: { type: Date, default: null },
    fixNote: { type: String, default: null },
    fixPhotoIds: { type: [Schema.Types.ObjectId], default: [] },
    fixedAt: { type: Date, default: null },
    fixedBy: { type: personSchema, default: null },
    confirmedAt: { type: Date, default: null },
    rating: { type: Number, default: null },
    ratingComment: { type: String, default: null },
    reopenReason: { type: String, default: null },
    cancelReason: { type: String, default: null },
    escalations: { type: [escalationEntrySchema], default: [] },
    responseEscalatedAt: { type: Date, default: null },
    resolutionEscalatedAt: { type: Date, default: null },
  },
  { collection: 'repairs', timestamps: true },
);
// Lists: a project's, a customer's, by status (the staff board); newest first.
repairSchema.index({ projectId: 1, _id: -1 });
repairSchema.index({ customerId: 1, _id: -1 });
repairSchema.index({ status: 1, _id: -1 });
// The escalation job: unfinished repairs by deadline.
repairSchema.index({ status: 1, responseDueAt: 1 });
repairSchema.index({ status: 1, resolutionDueAt: 1 });

export type RepairModel = Model<RepairDoc>;

export function repairModel(conn: Connection): RepairModel {
  return modelOn(conn, 'Repair', repairSchema);
}
