import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/**
 * The duplicate index of customers: one row per name key and phone key (`name:华景置业`,
 * `phone:13800138000`), unique on `key`. FerretDB v1 does not make check-then-insert atomic, so a
 * customer's keys are inserted before the customer itself and the unique index decides who wins.
 */
export interface CustomerKeyDoc {
  _id: Types.ObjectId;
  key: string;
  customerId: Types.ObjectId;
  createdAt: Date;
}

const customerKeySchema = new Schema<CustomerKeyDoc>(
  {
    key: { type: String, required: true, unique: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'customer_keys', timestamps: { createdAt: true, updatedAt: false } },
);
customerKeySchema.index({ customerId: 1 });

export type CustomerKeyModel = Model<CustomerKeyDoc>;

export function customerKeyModel(conn: Connection): CustomerKeyModel {
  return modelOn(conn, 'CustomerKey', customerKeySchema);
}
