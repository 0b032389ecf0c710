import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { PROJECT_STATUSES, type ProjectStatus } from '@gantry/shared';
import { modelOn } from '../../core/db';

/** The project record as far as the foundation needs it (demo data); the projects issue extends it. */
export interface ProjectDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  customerId: Types.ObjectId;
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
    customerId: { type: Schema.Types.ObjectId, required: true },
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

export type ProjectModel = Model<ProjectDoc>;

export function projectModel(conn: Connection): ProjectModel {
  return modelOn(conn, 'Project', projectSchema);
}
