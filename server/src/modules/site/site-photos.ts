import { Types } from 'mongoose';
import type { FileRef } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { AttachTarget } from '../files/file.service';

/**
 * What the site module needs of FileService (`server/src/modules/files/file.service.ts`): binding
 * uploaded photos to a project with a visibility, and signed references filtered to what the actor
 * may see. Named here so the site code depends on two calls, not on the whole files module.
 */
export interface SitePhotoFiles {
  attach(actor: Actor, fileIds: string[], target: AttachTarget): Promise<FileRef[]>;
  refs(actor: Actor, fileIds: string[]): Promise<FileRef[]>;
}

export const toObjectIds = (ids: Array<string | Types.ObjectId>): Types.ObjectId[] =>
  ids.map((id) => new Types.ObjectId(String(id)));

/**
 * The photos of many records with one `refs` call: returns a lookup that maps a record's ids to the
 * references the actor may see, in the record's order (photos the actor may not see are left out).
 * Given the record's visibility, the refs carry it: in an internal log a photo is internal, even
 * while a chat message shows the same photo to the customer.
 */
export async function photoLookup(
  files: SitePhotoFiles,
  actor: Actor,
  idLists: Array<Array<string | Types.ObjectId>>,
): Promise<(ids: Array<string | Types.ObjectId>, recordVisible?: boolean) => FileRef[]> {
  const all = [...new Set(idLists.flat().map(String))];
  const refs = all.length > 0 ? await files.refs(actor, all) : [];
  const byId = new Map(refs.map((r) => [r.id, r]));
  return (ids, recordVisible) =>
    ids.flatMap((id) => {
      const ref = byId.get(String(id));
      if (!ref) return [];
      return recordVisible === undefined ? [ref] : [{ ...ref, customerVisible: recordVisible }];
    });
}
