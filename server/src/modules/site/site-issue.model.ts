import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  SITE_ISSUE_SEVERITIES,
  SITE_ISSUE_STATUSES,
  type SiteIssueSeverity,
  type SiteIssueStatus,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

export interface PersonDoc {
  id: string;
  name: string;
}

export interface ResolutionDoc {
  note: string;
  photoIds: Types.ObjectId[];
  at: Date;
  by: PersonDoc;
}

/** A problem found on site (quality, safety, material…), followed until it is closed. */
export interface SiteIssueDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  title: string;
  description: string;
  severity: SiteIssueSeverity;
  status: SiteIssueStatus;
  assigneeId: Types.ObjectId | null;
  assigneeName: string | null;
  reporter: PersonDoc;
  photoIds: Types.ObjectId[];
  resolution: ResolutionDoc | null;
  customerVisible: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const personSchema = new Schema<PersonDoc>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const resolutionSchema = new Schema<ResolutionDoc>(
  {
    note: { type: String, required: true },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    at: { type: Date, required: true },
    by: { type: personSchema, required: true },
  },
  { _id: false },
);

const siteIssueSchema = new Schema<SiteIssueDoc>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    severity: { type: String, required: true, enum: SITE_ISSUE_SEVERITIES },
    status: { type: String, required: true, enum: SITE_ISSUE_STATUSES, default: 'open' },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    assigneeName: { type: String, default: null },
    reporter: { type: personSchema, required: true },
    photoIds: { type: [Schema.Types.ObjectId], default: [] },
    resolution: { type: resolutionSchema, default: null },
    customerVisible: { type: Boolean, required: true, default: false },
  },
  { collection: 'site_issues', timestamps: true },
);
siteIssueSchema.index({ projectId: 1, _id: -1 });
siteIssueSchema.index({ projectId: 1, status: 1, _id: -1 });
siteIssueSchema.index({ projectId: 1, customerVisible: 1, _id: -1 });
siteIssueSchema.index({ assigneeId: 1, status: 1, _id: -1 });

export type SiteIssueModel = Model<SiteIssueDoc>;

export function siteIssueModel(conn: Connection): SiteIssueModel {
  return modelOn(conn, 'SiteIssue', siteIssueSchema);
}
