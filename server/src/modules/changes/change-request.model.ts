import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CHANGE_REQUEST_OUTCOMES, CHANGE_REQUEST_STATUSES, type ChangeRequestOutcome } from '@gantry/shared';
import type { ChangeRequestStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface Person {
  id: string;
  name: string;
}

const personSchema = new Schema<Person>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

export interface ChangeQuote {
  version: number;
  costDelta: number;
  scheduleDeltaDays: number;
  note: string;
  /** The instant the quote stops holding (end of its last day, Asia/Shanghai). */
  validUntil: Date;
  /** The calendar date the PM typed (YYYY-MM-DD). */
  validUntilDate: string;
  affectedFromMilestoneId: Types.ObjectId | null;
  quotedBy: Person;
  quotedAt: Date;
}

export interface ChangeRequestDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  title: string;
  description: string;
  photoIds: Types.ObjectId[];
  /** YYYY-MM-DD or null. */
  wishedDate: string | null;
  /** Mirrors the outcome once its `status` step ran; the view reads the outcome first. */
  status: ChangeRequestStatus;
  requestedBy: Person & { kind: 'staff' | 'portal' };
  submittedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: Person | null;
  acknowledgeNote: string | null;
  firstResponseSeconds: number | null;
  quote: ChangeQuote | null;
  createdAt: Date;
  updatedAt: Date;
}

const quoteSchema = new Schema<ChangeQuote>(
  {
    version: { type: Number, required: true },
    costDelta: { type: Number, required: true },
    scheduleDeltaDays: { type: Number, required: true },
    note: { type: String, default: '' },
    validUntil: { type: Date, required: true },
    validUntilDate: { type: String, required: true },
    affectedFromMilestoneId: { type: Schema.Types.ObjectId, default: null },
    quotedBy: { type: personSchema, required: true },
    quotedAt: { type: Date, required: true },
  },
  { _id: false },
);

const changeRequestSchema = new Schema<ChangeRequestDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    description: { type: String, required: true },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    wishedDate: { type: String, default: null },
    status: { type: String, required: true, enum: CHANGE_REQUEST_STATUSES, default: 'submitted' },
    requestedBy: {
      type: new Schema(
        { id: String, name: String, kind: { type: String, enum: ['staff', 'portal'] } },
        { _id: false },
      ),
      required: true,
    },
    submittedAt: { type: Date, required: true },
    acknowledgedAt: { type: Date, default: null },
    acknowledgedBy: { type: personSchema, default: null },
    acknowledgeNote: { type: String, default: null },
    firstResponseSeconds: { type: Number, default: null },
    quote: { type: quoteSchema, default: null },
  },
  { collection: 'change_requests', timestamps: true },
);
// A project's list (newest first, optionally by status); the expiry job's quoted-by-validity scan.
changeRequestSchema.index({ projectId: 1, _id: -1 });
changeRequestSchema.index({ projectId: 1, status: 1, _id: -1 });
changeRequestSchema.index({ status: 1, 'quote.validUntil': 1 });
// The inbox across all projects (admins, service): open ones oldest first; a PM's is served by the
// projectId indexes above (walked in either direction).
changeRequestSchema.index({ status: 1, _id: 1 });

/** What an approval or rejection answered, frozen when the customer decided. */
export interface OutcomeQuote {
  version: number;
  costDelta: number;
  scheduleDeltaDays: number;
  affectedFromMilestoneId: Types.ObjectId | null;
  /** The milestones the schedule step moves, chosen at the decision so a re-run moves the same ones. */
  milestoneIds: Types.ObjectId[];
  currentTotal: number | null;
  newTotal: number | null;
  currentCompletion: string;
  newCompletion: string;
}

/**
 * The one final outcome of a change request (approved / rejected / expired / withdrawn). The
 * unique changeRequestId is what makes ten simultaneous approvals one decision. `steps` is the plan
 * fixed at that moment and `done` what has run; a re-run of the decision or the
 * changes.resume-approvals job runs what is missing, so a crash half-way is finished, never redone.
 */
export interface ChangeOutcomeDoc {
  _id: Types.ObjectId;
  changeRequestId: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  outcome: ChangeRequestOutcome;
  /** Null for the expiry job. */
  by: Person | null;
  at: Date;
  comment: string;
  quote: OutcomeQuote | null;
  steps: string[];
  done: string[];
  completedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

const outcomeQuoteSchema = new Schema<OutcomeQuote>(
  {
    version: { type: Number, required: true },
    costDelta: { type: Number, required: true },
    scheduleDeltaDays: { type: Number, required: true },
    affectedFromMilestoneId: { type: Schema.Types.ObjectId, default: null },
    milestoneIds: { type: [Schema.Types.ObjectId], default: [] },
    currentTotal: { type: Number, default: null },
    newTotal: { type: Number, default: null },
    currentCompletion: { type: String, required: true },
    newCompletion: { type: String, required: true },
  },
  { _id: false },
);

const outcomeSchema = new Schema<ChangeOutcomeDoc>(
  {
    changeRequestId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    outcome: { type: String, required: true, enum: CHANGE_REQUEST_OUTCOMES },
    by: { type: personSchema, default: null },
    at: { type: Date, required: true },
    comment: { type: String, default: '' },
    quote: { type: outcomeQuoteSchema, default: null },
    steps: { type: [String], default: [] },
    done: { type: [String], default: [] },
    completedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
  },
  { collection: 'change_outcomes', versionKey: false },
);
outcomeSchema.index({ changeRequestId: 1 }, { unique: true });
// Unfinished outcomes (the resume job), and a project's in decision order (the runner, the totals).
outcomeSchema.index({ completedAt: 1, at: 1 });
outcomeSchema.index({ projectId: 1, completedAt: 1, at: 1 });
outcomeSchema.index({ projectId: 1, outcome: 1 });

/**
 * One planned-date move made by an approved change: unique on (changeRequestId, targetId), holding
 * the dates before and after. The move is `$set` to `after`, never `$inc`, so applying it again
 * changes nothing.
 */
export interface DateShiftDoc {
  _id: Types.ObjectId;
  changeRequestId: Types.ObjectId;
  target: 'milestone' | 'project';
  targetId: Types.ObjectId;
  days: number;
  before: { start: Date; end: Date };
  after: { start: Date; end: Date };
  at: Date;
}

const spanSchema = new Schema(
  { start: { type: Date, required: true }, end: { type: Date, required: true } },
  { _id: false },
);

const dateShiftSchema = new Schema<DateShiftDoc>(
  {
    changeRequestId: { type: Schema.Types.ObjectId, required: true },
    target: { type: String, required: true, enum: ['milestone', 'project'] },
    targetId: { type: Schema.Types.ObjectId, required: true },
    days: { type: Number, required: true },
    before: { type: spanSchema, required: true },
    after: { type: spanSchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'change_date_shifts', versionKey: false },
);
dateShiftSchema.index({ changeRequestId: 1, targetId: 1 }, { unique: true });

/** A project's signed contract amount (fen) until the contracts module owns contracts. */
export interface ContractAmountDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  amount: number;
  updatedBy: Person;
  updatedAt: Date;
}

const contractAmountSchema = new Schema<ContractAmountDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    amount: { type: Number, required: true },
    updatedBy: { type: personSchema, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'project_contract_amounts', versionKey: false },
);
contractAmountSchema.index({ projectId: 1 }, { unique: true });

export type ChangeRequestModel = Model<ChangeRequestDoc>;
export type ChangeOutcomeModel = Model<ChangeOutcomeDoc>;
export type DateShiftModel = Model<DateShiftDoc>;
export type ContractAmountModel = Model<ContractAmountDoc>;

/** The collections of the changes module (created before ensureIndexes). */
export function changeModels(conn: Connection) {
  return {
    changeRequests: modelOn(conn, 'ChangeRequest', changeRequestSchema),
    changeOutcomes: modelOn(conn, 'ChangeOutcome', outcomeSchema),
    changeDateShifts: modelOn(conn, 'ChangeDateShift', dateShiftSchema),
    contractAmounts: modelOn(conn, 'ContractAmount', contractAmountSchema),
  };
}
