import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { DELIVERY_MODES, type DeliveryMode } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** A user's choice for one event type; no document means the default (on, instant). */
export interface PreferenceDoc {
  _id: Types.ObjectId;
  accountId: string;
  eventType: string;
  enabled: boolean;
  mode: DeliveryMode;
}

const preferenceSchema = new Schema<PreferenceDoc>(
  {
    accountId: { type: String, required: true },
    eventType: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    mode: { type: String, required: true, enum: DELIVERY_MODES },
  },
  { collection: 'notification_preferences' },
);
preferenceSchema.index({ accountId: 1, eventType: 1 }, { unique: true });

export type PreferenceModel = Model<PreferenceDoc>;

export function preferenceModel(conn: Connection): PreferenceModel {
  return modelOn(conn, 'NotificationPreference', preferenceSchema);
}
