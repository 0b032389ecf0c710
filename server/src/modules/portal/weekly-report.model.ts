import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { WEEKLY_REPORT_STATUSES, type WeeklyReportStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';

interface Person {
  id: string;
  name: string;
}

/** One project's report for one week, compiled as a draft; the PM (or their auto-send) sends it. */
export interface WeeklyReportDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  pmId: Types.ObjectId | null;
  projectName: string;
  weekStart: Date;
  weekEnd: Date;
  status: WeeklyReportStatus;
  progress: number;
  scheduleVarianceDays: number | null;
  thisWeek: Array<{ kind: string; title: string; summary: string; at: Date }>;
  dailyLogCount: number;
  nextWeek: Array<{
    id: string;
    name: string;
    status: string;
    plannedEnd: string | null;
    actualEnd: string | null;
  }>;
  openIssues: Array<{ id: string; title: string; severity: string }>;
  photoIds: Types.ObjectId[];
  sentAt: Date | null;
  sentBy: Person | null;
  autoSent: boolean;
  createdAt: Date;
}

const personSchema = new Schema<Person>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const reportSchema = new Schema<WeeklyReportDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    pmId: { type: Schema.Types.ObjectId, default: null },
    projectName: { type: String, required: true },
    weekStart: { type: Date, required: true },
    weekEnd: { type: Date, required: true },
    status: { type: String, required: true, enum: WEEKLY_REPORT_STATUSES, default: 'draft' },
    progress: { type: Number, required: true },
    scheduleVarianceDays: { type: Number, default: null },
    thisWeek: { type: Schema.Types.Mixed, default: () => [] },
    dailyLogCount: { type: Number, required: true },
    nextWeek: { type: Schema.Types.Mixed, default: () => [] },
    openIssues: { type: Schema.Types.Mixed, default: () => [] },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    sentAt: { type: Date, default: null },
    sentBy: { type: personSchema, default: null },
    autoSent: { type: Boolean, default: false },
  },
  { collection: 'weekly_reports', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// One report per project and week: a re-run of the job (or two instances) cannot duplicate it.
reportSchema.index({ projectId: 1, weekStart: 1 }, { unique: true });
reportSchema.index({ projectId: 1, _id: -1 });
reportSchema.index({ projectId: 1, status: 1, _id: -1 });

/** A PM's choice to send their weekly reports without reviewing them. */
export interface WeeklyReportSettingDoc {
  _id: Types.ObjectId;
  pmId: Types.ObjectId;
  autoSend: boolean;
  updatedAt: Date;
}

const settingSchema = new Schema<WeeklyReportSettingDoc>(
  {
    pmId: { type: Schema.Types.ObjectId, required: true, unique: true },
    autoSend: { type: Boolean, required: true },
  },
  {
    collection: 'weekly_report_settings',
    timestamps: { createdAt: false, updatedAt: true },
    versionKey: false,
  },
);
settingSchema.index({ autoSend: 1 });

export type WeeklyReportModel = Model<WeeklyReportDoc>;
export type WeeklyReportSettingModel = Model<WeeklyReportSettingDoc>;

export function weeklyReportModels(conn: Connection) {
  return {
    weeklyReports: modelOn(conn, 'WeeklyReport', reportSchema),
    weeklyReportSettings: modelOn(conn, 'WeeklyReportSetting', settingSchema),
  };
}
