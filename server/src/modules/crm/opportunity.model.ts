import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { OPPORTUNITY_STAGES, type OpportunityStage } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** A sales opportunity with one customer. Amounts are integer fen. */
export interface OpportunityDoc {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  ownerId: Types.ObjectId | null;
  name: string;
  stage: OpportunityStage;
  lostReason: string | null;
  expectedAmount: number;
  /** YYYY-MM-DD (Asia/Shanghai), or null. */
  expectedCloseDate: string | null;
  latestQuoteVersion: number;
  notes: string;
  stageEnteredAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const opportunitySchema = new Schema<OpportunityDoc>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, required: true },
    stage: { type: String, required: true, enum: OPPORTUNITY_STAGES, default: 'intention' },
    lostReason: { type: String, default: null },
    expectedAmount: { type: Number, required: true, default: 0 },
    expectedCloseDate: { type: String, default: null },
    latestQuoteVersion: { type: Number, default: 0 },
    notes: { type: String, default: '' },
    stageEnteredAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'opportunities', timestamps: true },
);
opportunitySchema.index({ customerId: 1, _id: -1 });
opportunitySchema.index({ ownerId: 1, _id: -1 });
opportunitySchema.index({ stage: 1, _id: -1 });
opportunitySchema.index({ createdAt: 1 });

/** One entry per stage change (the first, from null, is the creation). */
export interface StageHistoryDoc {
  _id: Types.ObjectId;
  opportunityId: Types.ObjectId;
  from: OpportunityStage | null;
  to: OpportunityStage;
  at: Date;
  by: Types.ObjectId | null;
  reason: string | null;
}

const stageHistorySchema = new Schema<StageHistoryDoc>(
  {
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    from: { type: String, enum: [...OPPORTUNITY_STAGES, null], default: null },
    to: { type: String, required: true, enum: OPPORTUNITY_STAGES },
    at: { type: Date, required: true, default: () => new Date() },
    by: { type: Schema.Types.ObjectId, default: null },
    reason: { type: String, default: null },
  },
  { collection: 'opportunity_stage_history', versionKey: false },
);
stageHistorySchema.index({ opportunityId: 1, at: 1 });

/** Versioned quotes: (opportunityId, version) is unique, so two quotes never share a number. */
export interface QuoteDoc {
  _id: Types.ObjectId;
  opportunityId: Types.ObjectId;
  version: number;
  amount: number;
  note: string;
  by: Types.ObjectId | null;
  createdAt: Date;
}

const quoteSchema = new Schema<QuoteDoc>(
  {
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    amount: { type: Number, required: true },
    note: { type: String, default: '' },
    by: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'opportunity_quotes', versionKey: false },
);
quoteSchema.index({ opportunityId: 1, version: 1 }, { unique: true });

export type OpportunityModel = Model<OpportunityDoc>;
export type StageHistoryModel = Model<StageHistoryDoc>;
export type QuoteModel = Model<QuoteDoc>;

export function opportunityModels(conn: Connection) {
  return {
    opportunities: modelOn(conn, 'Opportunity', opportunitySchema),
    opportunityStageHistory: modelOn(conn, 'OpportunityStageHistory', stageHistorySchema),
    opportunityQuotes: modelOn(conn, 'OpportunityQuote', quoteSchema),
  };
}
