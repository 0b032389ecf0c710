import type { FileRef } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { UrlSigner } from '../../core/files/signed-url';
import type { FileDoc, FileRecord } from './file.model';
import { recordKey } from './file.model';

/**
 * Who may see a file, decided from the file's record as it is now (never from what a link or an
 * earlier answer said): the uploader always; nobody else before it is bound to a project; staff
 * who may read its project; the project's customer only while at least one customer-visible
 * record references it.
 */
export async function readableBy(
  actor: Actor,
  docs: FileDoc[],
  canReadProject: (projectId: string) => Promise<boolean>,
): Promise<FileDoc[]> {
  const memo = new Map<string, Promise<boolean>>();
  const readProject = (id: string) => {
    if (!memo.has(id)) memo.set(id, canReadProject(id));
    return memo.get(id)!;
  };
  const checks = await Promise.all(
    docs.map(async (doc) => {
      if (!isStored(doc)) return false;
      if (isUploader(actor, doc)) return true;
      if (doc.projectId === null) return false;
      if (actor.role === 'customer' && !sharedWithCustomer(doc)) return false;
      return readProject(String(doc.projectId));
    }),
  );
  return docs.filter((_, i) => checks[i]);
}

/**
 * The check a customer's signed link gets at fetch time. The link was signed after `readableBy`
 * let its audience in, and a project never changes customer, so what can have changed since is
 * the references: the file is still the audience's own upload, or still shown by some record.
 */
export const linkStillValid = (doc: FileDoc, audience: string): boolean =>
  isStored(doc) &&
  ((doc.uploaderKind === 'portal' && doc.uploaderId === audience) || sharedWithCustomer(doc));

/** Customer-side links (portal accounts, share readers) name their reader, so the content route can ask again; staff links do not. */
export const linkAudience = (actor: Actor): string => (actor.kind === 'portal' ? actor.id : '');

/**
 * What a FileRef says about the customer seeing the file: through the given record when the caller
 * shows one record's files (an internal daily log shows its photo as internal even while a chat
 * message shows it to the customer), otherwise through any record; before any record references
 * the upload, what its uploader asked for.
 */
export function shownToCustomer(doc: FileDoc, via?: FileRecord): boolean {
  if (via) return (doc.visibleVia ?? []).includes(recordKey(via));
  if ((doc.refs ?? []).length === 0) return doc.intendedVisible ?? false;
  return sharedWithCustomer(doc);
}

const sharedWithCustomer = (doc: FileDoc) => (doc.visibleVia ?? []).length > 0;
// Records from before the status field hold their bytes: missing counts as stored.
const isStored = (doc: FileDoc) => (doc.status ?? 'stored') === 'stored';

/**
 * Of `ids`, those `actor` may not attach to a record of `projectId`: missing, still uploading, or
 * neither the actor's own unbound upload nor already a file of that project.
 */
export function notAttachable(actor: Actor, ids: string[], docs: FileDoc[], projectId: string): string[] {
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  return ids.filter((id) => {
    const doc = byId.get(id);
    if (!doc || !isStored(doc)) return true;
    return !(isBoundTo(doc, projectId) || (isUploader(actor, doc) && doc.projectId === null));
  });
}

export const isUploader = (actor: Actor, doc: FileDoc) =>
  doc.uploaderId === actor.id && doc.uploaderKind === actor.kind;
export const isBoundTo = (doc: FileDoc, projectId: string) =>
  doc.projectId !== null && String(doc.projectId) === projectId;

/** Links signed for a customer-side reader name it, so the content route checks access again. */
export function toFileRef(signer: UrlSigner, actor: Actor, doc: FileDoc, via?: FileRecord): FileRef {
  const id = String(doc._id);
  const audience = linkAudience(actor);
  return {
    id,
    name: doc.name,
    mime: doc.mime,
    size: doc.size,
    width: doc.width,
    height: doc.height,
    url: signer.url(id, 'content', audience),
    thumbUrl: doc.thumbKey ? signer.url(id, 'thumbnail', audience) : null,
    customerVisible: shownToCustomer(doc, via),
    uploadedAt: doc.createdAt.toISOString(),
    uploadedBy: { id: doc.uploaderId, name: doc.uploaderName },
  };
}
