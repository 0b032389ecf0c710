import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/**
 * One rung of the overdue ladder reached by one invoice. The unique key `<invoiceId>:<rung>` is the
 * exactly-once point (FerretDB's guarded updates are not atomic; a unique insert is): whoever inserts
 * it sends that rung's notice; `publishedAt` stays null until the event is out, so a run that died
 * in between is finished by the next one.
 */
export interface OverdueStepDoc {
  _id: Types.ObjectId;
  key: string;
  invoiceId: Types.ObjectId;
  customerId: Types.ObjectId;
  rung: number;
  day: number;
  event: string;
  payload: Record<string, unknown>;
  publishedAt: Date | null;
  createdAt: Date;
}

const stepSchema = new Schema<OverdueStepDoc>(
  {
    key: { type: String, required: true },
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    rung: { type: Number, required: true },
    day: { type: Number, required: true },
    event: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    publishedAt: { type: Date, default: null },
  },
  { collection: 'invoice_overdue_steps', timestamps: { createdAt: true, updatedAt: false }, minimize: false },
);
stepSchema.index({ key: 1 }, { unique: true });
stepSchema.index({ invoiceId: 1, rung: 1 });
stepSchema.index({ publishedAt: 1, createdAt: 1 });

export type OverdueStepModel = Model<OverdueStepDoc>;

export function overdueStepModel(conn: Connection): OverdueStepModel {
  return modelOn(conn, 'InvoiceOverdueStep', stepSchema);
}
