import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { FILE_MIME_TYPES, type FileMimeType } from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * One uploaded file. The bytes are in FileStorage under `storageKey` (and `thumbKey` for images);
 * the record says who may see them: the uploader always, and once bound to a project whoever may
 * read that project — customers only when `customerVisible`.
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
  projectId: Types.ObjectId | null;
  customerVisible: boolean;
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
    projectId: { type: Schema.Types.ObjectId, default: null },
    customerVisible: { type: Boolean, required: true, default: false },
    uploaderId: { type: String, required: true },
    uploaderKind: { type: String, required: true, enum: ['staff', 'portal'] },
    uploaderName: { type: String, required: true },
  },
  { collection: 'files', timestamps: true },
);
// A project's gallery (customer-visible first filter in code) and "my uploads", newest first.
fileSchema.index({ projectId: 1, _id: -1 });
fileSchema.index({ uploaderId: 1, _id: -1 });

export type FileModel = Model<FileDoc>;

export function fileModel(conn: Connection): FileModel {
  return modelOn(conn, 'File', fileSchema);
}
