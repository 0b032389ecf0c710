import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { PROJECT_STATUSES, PROJECT_TYPES, type ProjectStatus, type ProjectType } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * A project. Planned dates are calendar dates stored as UTC midnight; actual dates are instants.
 * Progress and schedule variance are derived from its milestones, never stored.
 */
export interface ProjectDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  type: ProjectType;
  customerId: Types.ObjectId;
  opportunityId: Types.ObjectId | null;
  address: string;
  pmId: Types.ObjectId | null;
  engineerIds: Types.ObjectId[];
  status: ProjectStatus;
  plannedStart: Date;
  plannedEnd: Date;
  actualStart: Date | null;
  actualEnd: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const projectSchema = new Schema<ProjectDoc>(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    // Older records (the foundation's demo data) had no type: they read as residential.
    type: { type: String, enum: PROJECT_TYPES, default: 'residential' },
    customerId: { type: Schema.Types.ObjectId, required: true },
    opportunityId: { type: Schema.Types.ObjectId, default: null },
    address: { type: String, required: true },
    pmId: { type: Schema.Types.ObjectId, default: null },
    engineerIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, required: true, enum: PROJECT_STATUSES, default: 'planning' },
    plannedStart: { type: Date, required: true },
    plannedEnd: { type: Date, required: true },
    actualStart: { type: Date, default: null },
    actualEnd: { type: Date, default: null },
  },
  { collection: 'projects', timestamps: true },
);
projectSchema.index({ customerId: 1, _id: -1 });
projectSchema.index({ pmId: 1, _id: -1 });
projectSchema.index({ engineerIds: 1, _id: -1 });
projectSchema.index({ status: 1, _id: -1 });

export type ProjectModel = Model<ProjectDoc>;

export function projectModel(conn: Connection): ProjectModel {
  return modelOn(conn, 'Project', projectSchema);
}
