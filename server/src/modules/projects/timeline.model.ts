import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../../core/db';

/**
 * One line of a project's history as the portal shows it (milestone submitted / confirmed, a daily
 * log, a site issue, a weekly report…). Modules write entries when the thing happens, so the project
 * home and its timeline page through one indexed collection instead of merging several.
 */
export interface TimelineEntryDoc {
  _id: Types.ObjectId;
  /** Stable per happening (e.g. `milestone.submitted:<milestoneId>:<round>`): recording twice is a no-op. */
  key: string;
  projectId: Types.ObjectId;
  kind: string;
  refId: Types.ObjectId;
  occurredAt: Date;
  customerVisible: boolean;
  title: string;
  summary: string;
  photoIds: Types.ObjectId[];
  actor: { id: string; name: string } | null;
  createdAt: Date;
}

const actorSchema = new Schema<{ id: string; name: string }>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const timelineSchema = new Schema<TimelineEntryDoc>(
  {
    key: { type: String, required: true, unique: true },
    projectId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    refId: { type: Schema.Types.ObjectId, required: true },
    occurredAt: { type: Date, required: true },
    customerVisible: { type: Boolean, required: true },
    title: { type: String, required: true },
    summary: { type: String, default: '' },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    actor: { type: actorSchema, default: null },
  },
  { collection: 'project_timeline', timestamps: { createdAt: true, updatedAt: false } },
);
timelineSchema.index({ projectId: 1, customerVisible: 1, _id: -1 });
timelineSchema.index({ projectId: 1, _id: -1 });
timelineSchema.index({ refId: 1 });

export type TimelineModel = Model<TimelineEntryDoc>;

export function timelineModel(conn: Connection): TimelineModel {
  return modelOn(conn, 'ProjectTimelineEntry', timelineSchema);
}
