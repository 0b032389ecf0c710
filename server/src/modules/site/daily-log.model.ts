import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { WEATHERS, type Weather } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** One engineer's report of one day on one project's site. */
export interface DailyLogDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  authorId: Types.ObjectId;
  /** Kept with the log: the list shows it without a look-up per row. */
  authorName: string;
  /** YYYY-MM-DD, the Asia/Shanghai calendar day the log reports on. */
  date: string;
  weather: Weather;
  temperature: number | null;
  headcount: number;
  workDone: string;
  problems: string;
  photoIds: Types.ObjectId[];
  customerVisible: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const dailyLogSchema = new Schema<DailyLogDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    date: { type: String, required: true },
    weather: { type: String, required: true, enum: WEATHERS },
    temperature: { type: Number, default: null },
    headcount: { type: Number, required: true },
    workDone: { type: String, required: true },
    problems: { type: String, default: '' },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    customerVisible: { type: Boolean, required: true, default: false },
  },
  { collection: 'site_daily_logs', timestamps: true },
);
// One log per engineer per day per project: the database, not a read-then-write, enforces it
// (FerretDB v1 has no atomic guarded insert).
dailyLogSchema.index({ projectId: 1, authorId: 1, date: 1 }, { unique: true });
dailyLogSchema.index({ projectId: 1, _id: -1 });
dailyLogSchema.index({ projectId: 1, customerVisible: 1, _id: -1 });
dailyLogSchema.index({ projectId: 1, date: -1 });

export type DailyLogModel = Model<DailyLogDoc>;

export function dailyLogModel(conn: Connection): DailyLogModel {
  return modelOn(conn, 'SiteDailyLog', dailyLogSchema);
}
