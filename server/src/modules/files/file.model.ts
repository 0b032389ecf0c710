import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { FILE_MIME_TYPES, type FileMimeType } from '@gantry/shared';
import { modelOn } from '../../core/db';

export const FILE_STATUSES = ['uploading', 'stored'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/**
 * One uploaded file. The bytes are in FileStorage under `storageKey` (and `thumbKey` for images).
 * Who may see them: the uploader always; once bound to a project, the staff who may read that
 * project; the project's customer only while a customer-visible record references the file
 * (`visibleVia`). The references are written by the owning record's own writes (see attach and
 * withdraw), so one record turning internal never changes what another record shows.
 */
export interface FileDoc {
  _id: Types.ObjectId;
  name: string;
  mime: FileMimeType;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  storageKey: string;
  thumbKey: string | null;
  /** `uploading` from before the first byte is written until all are durable; then `stored`. */
  status: FileStatus;
  projectId: Types.ObjectId | null;
  /** Records that reference the file, as `<kind>:<id>` (see `recordKey`). */
  refs: string[];
  /** The subset of `refs` whose record the customer may see: the customer's only way to the file. */
  visibleVia: string[];
  /** What the uploader asked for; shown on the upload's own answer, never used for access. */
  intendedVisible: boolean;
  /** Staff user or portal account id (Actor.id). */
  uploaderId: string;
  uploaderKind: 'staff' | 'portal';
  uploaderName: string;
  createdAt: Date;
  updatedAt: Date;
}

const fileSchema = new Schema<FileDoc>(
  {
    name: { type: String, required: true },
    mime: { type: String, required: true, enum: FILE_MIME_TYPES },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    width: { type: Number, default: null },
    height: { type: Number, default: null },
    storageKey: { type: String, required: true },
    thumbKey: { type: String, default: null },
    // Records written before the status existed hold bytes already: they count as stored.
    status: { type: String, enum: FILE_STATUSES, default: 'stored' },
    projectId: { type: Schema.Types.ObjectId, default: null },
    refs: { type: [String], default: [] },
    visibleVia: { type: [String], default: [] },
    intendedVisible: { type: Boolean, default: false },
    uploaderId: { type: String, required: true },
    uploaderKind: { type: String, required: true, enum: ['staff', 'portal'] },
    uploaderName: { type: String, required: true },
  },
  { collection: 'files', timestamps: true },
);
// A project's gallery (customer-visible first filter in code) and "my uploads", newest first.
fileSchema.index({ projectId: 1, _id: -1 });
fileSchema.index({ uploaderId: 1, _id: -1 });
// A record's files when it changes its photos or its visibility (multikey).
fileSchema.index({ refs: 1 });
// Uploads a crash left half-done, for the purge job.
fileSchema.index({ status: 1, _id: 1 });

export type FileModel = Model<FileDoc>;

/**
 * The kinds of record that reference files. A record that shows files to customers must pass its
 * kind and id to `attach`; a kind missing here cannot make a file customer-visible.
 */
export const FILE_RECORD_KINDS = [
  'chat_message',
  'milestone_round',
  'milestone_decision',
  'daily_log',
  'site_issue',
  'site_issue_resolution',
  'change_request',
  'complaint',
  'complaint_resolution',
  'repair',
  'repair_fix',
  'contract',
] as const;
export type FileRecordKind = (typeof FILE_RECORD_KINDS)[number];
export interface FileRecord {
  kind: FileRecordKind;
  id: string | Types.ObjectId;
}
export const recordKey = (record: FileRecord): string => `${record.kind}:${String(record.id)}`;

export function fileModel(conn: Connection): FileModel {
  return modelOn(conn, 'File', fileSchema);
}
