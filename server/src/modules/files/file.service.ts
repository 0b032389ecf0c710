import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import {
  DOCUMENT_MIME_TYPES,
  IMAGE_MIME_TYPES,
  type FileListQuery,
  type FileRef,
  type FileVariant,
  type Page,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, NotFoundError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { grantScope, type MongoFilter } from '../../core/policy';
import type { UrlSigner } from '../../core/files/signed-url';
import { FileMissingError, type FileStorage } from '../../core/files/storage';
import type { ProjectAccess } from '../projects/project.policy';
import { isBoundTo, notAttachable, linkStillValid, readableBy, toFileRef } from './file-access';
import { processUpload } from './file-content';
import { FilePurge, UPLOAD_GRACE_MS } from './file-purge';
import { cleanName, keyFor, readLimited } from './file-upload-input';
import { recordKey, type FileDoc, type FileModel, type FileRecord } from './file.model';

export interface FileServiceDeps {
  files: FileModel;
  storage: FileStorage;
  signer: UrlSigner;
  projectAccess: ProjectAccess;
  audit: AuditLog;
  limits: { maxBytes: number; thumbnailPx: number };
}

export interface UploadInput {
  body: Readable | Buffer;
  filename: string;
  projectId?: string;
  customerVisible?: boolean;
}

/** A request for bytes: by a signed link (for an audience, if it names one) or by a signed-in actor. */
export type ContentAccess = { actor: Actor } | { exp: number; sig: string; audience?: string };

/** Where attached files are shown: the record's project, its visibility, and the record itself. */
export interface AttachTarget {
  projectId: string;
  customerVisible: boolean;
  record: FileRecord;
}

export interface FileContent {
  stream: Readable;
  mime: string;
  size: number | null;
  name: string;
  sha256: string | null;
  /** Seconds a browser may cache the bytes (the signed link's remaining life). */
  maxAge: number;
}

/**
 * Uploads, access and signed links for photos and documents. Other modules keep file ids on their
 * records, bind them with `attach` (naming the record), take them back with `withdraw` and show
 * them with `refs`; they never read the files collection.
 */
export class FileService {
  private readonly purge: FilePurge;

  constructor(private readonly deps: FileServiceDeps) {
    this.purge = new FilePurge(deps.files, deps.storage);
  }

  /**
   * The record goes first, as `uploading`, then the bytes, then `stored`: whatever point a crash
   * stops at, the purge job finds the leftovers from the files collection or by sweeping storage.
   */
  async upload(actor: Actor, input: UploadInput): Promise<FileRef> {
    if (input.projectId) await this.deps.projectAccess.get(actor, input.projectId, 'read');
    const bytes = await readLimited(input.body, this.deps.limits.maxBytes);
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', '上传的文件是空的');
    const processed = await processUpload(bytes, this.deps.limits.thumbnailPx);
    const id = new Types.ObjectId();
    const storageKey = keyFor(id);
    const thumbKey = processed.thumbnail ? `${storageKey}.thumb` : null;
    await retryTransient(() =>
      this.deps.files.create({
        _id: id,
        name: cleanName(input.filename, processed.mime),
        mime: processed.mime,
        size: processed.body.length,
        sha256: processed.sha256,
        width: processed.width,
        height: processed.height,
        storageKey,
        thumbKey,
        status: 'uploading',
        projectId: input.projectId ? new Types.ObjectId(input.projectId) : null,
        // A customer's own uploads are for the conversation with staff: meant for their side.
        intendedVisible: actor.role === 'customer' ? true : (input.customerVisible ?? false),
        uploaderId: actor.id,
        uploaderKind: actor.kind,
        uploaderName: actor.name,
      }),
    );
    const doc = await this.storeBytes(id, [
      [storageKey, processed.body],
      ...(thumbKey && processed.thumbnail ? [[thumbKey, processed.thumbnail] as [string, Buffer]] : []),
    ]);
    await this.deps.audit.record({
      actor,
      action: 'file.uploaded',
      resource: 'file',
      resourceId: id,
      after: { name: doc.name, mime: doc.mime, size: doc.size, projectId: input.projectId ?? null },
    });
    return this.toRef(actor, doc);
  }

  private async storeBytes(id: Types.ObjectId, parts: Array<[string, Buffer]>): Promise<FileDoc> {
    try {
      for (const [key, body] of parts) await this.deps.storage.put(key, body);
      const doc = await retryTransient(() =>
        this.deps.files
          .findOneAndUpdate({ _id: id }, { $set: { status: 'stored' } }, { returnDocument: 'after' })
          .lean<FileDoc>(),
      );
      if (!doc) throw new Error(`file ${String(id)} vanished while it was stored`);
      return doc;
    } catch (err) {
      // Best effort; what this leaves (the process may be dying) is the purge job's.
      await Promise.allSettled(parts.map(([key]) => this.deps.storage.delete(key)));
      await this.deps.files.deleteOne({ _id: id, status: 'uploading' }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The record `target.record` now references exactly `fileIds`, with its visibility. Each file must
   * be the actor's own unbound upload or already belong to the project. Only that record's
   * reference changes: the same photo shown by another record keeps that record's visibility, and
   * files the record no longer lists lose its reference. Idempotent; callers pass a record id they
   * write right after (a crash between leaves a reference to a record that does not exist — the
   * file was being shown there, so at worst the customer may fetch what they were about to see).
   */
  async attach(actor: Actor, fileIds: string[], target: AttachTarget): Promise<FileRef[]> {
    await this.deps.projectAccess.get(actor, target.projectId, 'read');
    const ids = [...new Set(fileIds)];
    const docs = await this.findByIds(ids);
    const bad = notAttachable(actor, ids, docs, target.projectId);
    if (bad.length > 0) {
      throw new AppError('VALIDATION_FAILED', '部分文件不存在或不能关联到该项目，请重新上传', {
        fields: [{ path: 'fileIds', message: `无效的文件：${bad.join(', ')}` }],
        fileIds: bad,
      });
    }
    const key = recordKey(target.record);
    for (const doc of docs) await this.reference(actor, doc, key, target);
    await retryTransient(() =>
      this.deps.files.updateMany(
        { refs: key, _id: { $nin: docs.map((d) => d._id) } },
        { $pull: { refs: key, visibleVia: key } },
      ),
    );
    return this.refs(actor, fileIds, target.record);
  }

  private async reference(actor: Actor, doc: FileDoc, key: string, target: AttachTarget): Promise<void> {
    const visible = target.customerVisible;
    const has = (doc.refs ?? []).includes(key);
    const shown = (doc.visibleVia ?? []).includes(key);
    if (isBoundTo(doc, target.projectId) && has && shown === visible) return;
    const update = visible
      ? {
          $set: { projectId: new Types.ObjectId(target.projectId) },
          $addToSet: { refs: key, visibleVia: key },
        }
      : {
          $set: { projectId: new Types.ObjectId(target.projectId) },
          $addToSet: { refs: key },
          $pull: { visibleVia: key },
        };
    await retryTransient(() => this.deps.files.updateOne({ _id: doc._id }, update));
    await this.deps.audit.record({
      actor,
      action: 'file.attached',
      resource: 'file',
      resourceId: doc._id,
      before: { projectId: doc.projectId, record: has ? key : null, customerVisible: shown },
      after: { projectId: target.projectId, record: key, customerVisible: visible },
    });
  }

  /**
   * The record stops showing its files to the customer (retracted, made internal, deleted): its
   * references stay for staff, its visibility goes. Call it before the record's own write, so a
   * crash between leaves the files hidden rather than shown.
   */
  async withdraw(actor: Actor, record: FileRecord): Promise<void> {
    const key = recordKey(record);
    const shown = await this.deps.files
      .find({ visibleVia: key }, { _id: 1 })
      .lean<Array<Pick<FileDoc, '_id'>>>();
    if (shown.length === 0) return;
    await retryTransient(() =>
      this.deps.files.updateMany({ visibleVia: key }, { $pull: { visibleVia: key } }),
    );
    for (const doc of shown)
      await this.deps.audit.record({
        actor,
        action: 'file.withdrawn',
        resource: 'file',
        resourceId: doc._id,
        before: { record: key, customerVisible: true },
        after: { record: key, customerVisible: false },
      });
  }

  /**
   * Refs (with fresh signed URLs) of the given ids that `actor` may see, in the given order. With
   * `via`, the refs say whether the customer sees them through that record.
   */
  async refs(actor: Actor, fileIds: string[], via?: FileRecord): Promise<FileRef[]> {
    const docs = await this.findByIds(fileIds);
    const visible = await this.visibleTo(actor, docs);
    const byId = new Map(visible.map((d) => [String(d._id), d]));
    return [...new Set(fileIds)].flatMap((id) => {
      const doc = byId.get(id);
      return doc ? [this.toRef(actor, doc, via)] : [];
    });
  }

  /** One file's metadata; 404 when it is missing or the actor may not see it. */
  async get(actor: Actor, fileId: string): Promise<FileRef> {
    const [ref] = await this.refs(actor, [fileId]);
    if (!ref) throw new NotFoundError('文件不存在');
    return ref;
  }

  /** Signed links are checked again here for their audience: the references decide now. */
  async content(fileId: string, variant: FileVariant, access: ContentAccess): Promise<FileContent> {
    let maxAge = 0;
    if ('sig' in access) {
      const left = this.deps.signer.verify(fileId, variant, access.exp, access.sig, access.audience);
      if (left === null) throw new AppError('FILE_LINK_INVALID');
      maxAge = left;
    }
    const [doc] = await this.findByIds([fileId]);
    const readable =
      doc &&
      ('actor' in access
        ? (await this.visibleTo(access.actor, [doc])).length > 0
        : !access.audience || linkStillValid(doc, access.audience));
    const key = variant === 'thumbnail' ? doc?.thumbKey : doc?.storageKey;
    if (!doc || !readable || !key) throw new NotFoundError('文件不存在');
    const stream = await this.deps.storage.get(key).catch((err: unknown) => {
      if (err instanceof FileMissingError) throw new NotFoundError('文件内容已丢失');
      throw err;
    });
    return variant === 'thumbnail'
      ? { stream, mime: 'image/jpeg', size: null, name: doc.name, sha256: null, maxAge }
      : { stream, mime: doc.mime, size: doc.size, name: doc.name, sha256: doc.sha256, maxAge };
  }

  /** A project's files the actor may see, newest first; customers get those a visible record shows. */
  async listForProject(actor: Actor, projectId: string, query: FileListQuery): Promise<Page<FileRef>> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const visible: MongoFilter = { projectId: project._id, status: { $ne: 'uploading' } };
    // Not `$ne: []`: that also matches files written before the field existed.
    if (actor.role === 'customer') visible['visibleVia.0'] = { $exists: true };
    const kind = query.kind
      ? { mime: { $in: query.kind === 'image' ? IMAGE_MIME_TYPES : DOCUMENT_MIME_TYPES } }
      : undefined;
    const list = { scope: grantScope(visible), narrow: kind };
    return paginateById(this.deps.files, list, query, (doc) => this.toRef(actor, doc));
  }

  /**
   * The daily clean-up: uploads never bound to a record (a form abandoned after its photos were
   * sent) once they are `days` old; uploads a crash left `uploading`; and stored bytes that no
   * record points to. Records go before their bytes, so a crash here leaves only bytes, which the
   * next run sweeps.
   */
  async purgeUnattached(days: number): Promise<{ deleted: number; stalled: number; orphanBytes: number }> {
    const deleted = await this.purge.deleteRecords(
      { projectId: null, status: { $ne: 'uploading' } },
      days * 86_400_000,
    );
    const stalled = await this.purge.deleteRecords({ status: 'uploading' }, UPLOAD_GRACE_MS);
    const orphanBytes = await this.purge.sweepStorage();
    return { deleted, stalled, orphanBytes };
  }

  private async findByIds(ids: string[]): Promise<FileDoc[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id));
    if (valid.length === 0) return [];
    return this.deps.files.find({ _id: { $in: valid } }).lean<FileDoc[]>();
  }

  private visibleTo(actor: Actor, docs: FileDoc[]): Promise<FileDoc[]> {
    return readableBy(actor, docs, (id) => this.deps.projectAccess.canRead(actor, id));
  }

  private toRef(actor: Actor, doc: FileDoc, via?: FileRecord): FileRef {
    return toFileRef(this.deps.signer, actor, doc, via);
  }
}
