import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  MILESTONE_DECISIONS,
  MILESTONE_STATUSES,
  type MilestoneDecision,
  type MilestoneStatus,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * A project milestone. Always customer-visible (the customer confirms it). The submissions and
 * decisions of each round live in their own collections (milestone_rounds, milestone_decisions),
 * keyed by (milestoneId, round), so the milestone document stays small and the unique keys make
 * a submission and a decision happen once per round.
 */
export interface MilestoneDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  seq: number;
  name: string;
  weight: number;
  status: MilestoneStatus;
  /** Calendar dates (UTC midnight). */
  plannedStart: Date;
  plannedEnd: Date;
  actualStart: Date | null;
  /** The confirmation instant. */
  actualEnd: Date | null;
  /** Submissions so far; the current round's evidence is milestone_rounds (milestoneId, round). */
  round: number;
  /** When the current round was submitted (the auto-confirmation window runs from here). */
  submittedAt: Date | null;
  /** The latest decided round (0 = none), for the view. */
  decidedRound: number;
  createdAt: Date;
  updatedAt: Date;
}

const milestoneSchema = new Schema<MilestoneDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    name: { type: String, required: true },
    weight: { type: Number, required: true, default: 1 },
    status: { type: String, required: true, enum: MILESTONE_STATUSES, default: 'pending' },
    plannedStart: { type: Date, required: true },
    plannedEnd: { type: Date, required: true },
    actualStart: { type: Date, default: null },
    actualEnd: { type: Date, default: null },
    round: { type: Number, required: true, default: 0 },
    submittedAt: { type: Date, default: null },
    decidedRound: { type: Number, required: true, default: 0 },
  },
  { collection: 'milestones', timestamps: true },
);
milestoneSchema.index({ projectId: 1, seq: 1 });
// The auto-confirmation job: awaiting milestones by submission time.
milestoneSchema.index({ status: 1, submittedAt: 1 });

/** One submission for confirmation. */
export interface MilestoneRoundDoc {
  _id: Types.ObjectId;
  milestoneId: Types.ObjectId;
  projectId: Types.ObjectId;
  round: number;
  note: string;
  photoIds: Types.ObjectId[];
  by: { id: string; name: string };
  at: Date;
}

const personSchema = new Schema<{ id: string; name: string }>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const roundSchema = new Schema<MilestoneRoundDoc>(
  {
    milestoneId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    round: { type: Number, required: true },
    note: { type: String, default: '' },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    by: { type: personSchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'milestone_rounds', versionKey: false },
);
roundSchema.index({ milestoneId: 1, round: 1 }, { unique: true });

/** The customer's (or the job's) decision on one round: exactly one per (milestoneId, round). */
export interface MilestoneDecisionDoc {
  _id: Types.ObjectId;
  milestoneId: Types.ObjectId;
  projectId: Types.ObjectId;
  round: number;
  decision: MilestoneDecision;
  comment: string;
  photoIds: Types.ObjectId[];
  /** Null for an automatic confirmation. */
  by: { id: string; name: string } | null;
  automatic: boolean;
  at: Date;
}

const decisionSchema = new Schema<MilestoneDecisionDoc>(
  {
    milestoneId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    round: { type: Number, required: true },
    decision: { type: String, required: true, enum: MILESTONE_DECISIONS },
    comment: { type: String, default: '' },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    by: { type: personSchema, default: null },
    automatic: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'milestone_decisions', versionKey: false },
);
decisionSchema.index({ milestoneId: 1, round: 1 }, { unique: true });

export type MilestoneModel = Model<MilestoneDoc>;
export type MilestoneRoundModel = Model<MilestoneRoundDoc>;
export type MilestoneDecisionModel = Model<MilestoneDecisionDoc>;

export function milestoneModels(conn: Connection) {
  return {
    milestones: modelOn(conn, 'Milestone', milestoneSchema),
    milestoneRounds: modelOn(conn, 'MilestoneRound', roundSchema),
    milestoneDecisions: modelOn(conn, 'MilestoneDecision', decisionSchema),
  };
}
