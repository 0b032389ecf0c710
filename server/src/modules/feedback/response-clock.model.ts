import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { RESPONSE_CLOCK_KINDS, type ResponseClockKind } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * One customer request that staff must answer (a complaint, a repair, a change request, the first
 * unanswered chat message of a thread). Opened when the customer raises it, stopped by the first
 * staff response; the unique `key` makes opening idempotent for the module that owns the request.
 */
export interface ResponseClockDoc {
  _id: Types.ObjectId;
  key: string;
  kind: ResponseClockKind;
  projectId: Types.ObjectId | null;
  customerId: Types.ObjectId;
  openedAt: Date;
  answeredAt: Date | null;
  answeredBy: { id: string; name: string } | null;
  /** answeredAt − openedAt in whole seconds (never negative), kept so stats need no arithmetic in the query. */
  responseSeconds: number | null;
  createdAt: Date;
}

const bySchema = new Schema<{ id: string; name: string }>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const responseClockSchema = new Schema<ResponseClockDoc>(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: RESPONSE_CLOCK_KINDS },
    projectId: { type: Schema.Types.ObjectId, default: null },
    customerId: { type: Schema.Types.ObjectId, required: true },
    openedAt: { type: Date, required: true },
    answeredAt: { type: Date, default: null },
    answeredBy: { type: bySchema, default: null },
    responseSeconds: { type: Number, default: null },
  },
  { collection: 'response_clocks', timestamps: { createdAt: true, updatedAt: false } },
);
// Stats read a window of opening times (optionally one kind).
responseClockSchema.index({ openedAt: 1 });
responseClockSchema.index({ kind: 1, openedAt: 1 });
// "Is there an open chat clock on this project?"
responseClockSchema.index({ projectId: 1, kind: 1, answeredAt: 1 });

export type ResponseClockModel = Model<ResponseClockDoc>;

export function responseClockModel(conn: Connection): ResponseClockModel {
  return modelOn(conn, 'ResponseClock', responseClockSchema);
}
