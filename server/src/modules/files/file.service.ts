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
import { processUpload } from './file-content';
import { cleanName, keyFor, readLimited } from './file-upload-input';
import type { FileDoc, FileModel } from './file.model';

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

/** A request for bytes: by a signed link (checked at signing time) or by a signed-in actor. */
export type ContentAccess = { actor: Actor } | { exp: number; sig: string };

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
 * records, bind them with `attach` and show them with `refs`; they never read the files collection.
 */
export class FileService {
  constructor(private readonly deps: FileServiceDeps) {}

  async upload(actor: Actor, input: UploadInput): Promise<FileRef> {
    if (input.projectId) await this.deps.projectAccess.get(actor, input.projectId, 'read');
    const bytes = await readLimited(input.body, this.deps.limits.maxBytes);
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', '上传的文件是空的');
    const processed = await processUpload(bytes, this.deps.limits.thumbnailPx);
    const id = new Types.ObjectId();
    const storageKey = keyFor(id);
    const thumbKey = processed.thumbnail ? `${storageKey}.thumb` : null;
    await this.deps.storage.put(storageKey, processed.body);
    if (thumbKey && processed.thumbnail) await this.deps.storage.put(thumbKey, processed.thumbnail);
    const doc = await this.insert({
      _id: id,
      name: cleanName(input.filename, processed.mime),
      mime: processed.mime,
      size: processed.body.length,
      sha256: processed.sha256,
      width: processed.width,
      height: processed.height,
      storageKey,
      thumbKey,
      projectId: input.projectId ? new Types.ObjectId(input.projectId) : null,
      // A customer's own uploads are for the conversation with staff: visible on their side by nature.
      customerVisible: actor.role === 'customer' ? true : (input.customerVisible ?? false),
      uploaderId: actor.id,
      uploaderKind: actor.kind,
      uploaderName: actor.name,
    });
    await this.deps.audit.record({
      actor,
      action: 'file.uploaded',
      resource: 'file',
      resourceId: id,
      after: { name: doc.name, mime: doc.mime, size: doc.size, projectId: input.projectId ?? null },
    });
    return this.toRef(doc);
  }

  private async insert(fields: Omit<FileDoc, 'createdAt' | 'updatedAt'>): Promise<FileDoc> {
    try {
      const created = await retryTransient(() => this.deps.files.create(fields));
      return created.toObject() as FileDoc;
    } catch (err) {
      const keys = [fields.storageKey, fields.thumbKey].filter((k): k is string => k !== null);
      await Promise.allSettled(keys.map((k) => this.deps.storage.delete(k)));
      throw err;
    }
  }

  /**
   * Bind uploaded files to a record of a project: each must exist and be the actor's own unbound
   * upload, or already belong to that project. Sets the project and the visibility (the record's
   * flag decides: a record turned internal takes its photos with it). Idempotent.
   */
  async attach(
    actor: Actor,
    fileIds: string[],
    target: { projectId: string; customerVisible: boolean },
  ): Promise<FileRef[]> {
    await this.deps.projectAccess.get(actor, target.projectId, 'read');
    const ids = [...new Set(fileIds)];
    const docs = await this.findByIds(ids);
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    const bad = ids.filter((id) => {
      const doc = byId.get(id);
      return (
        !doc || !(isBoundTo(doc, target.projectId) || (isUploader(actor, doc) && doc.projectId === null))
      );
    });
    if (bad.length > 0) {
      throw new AppError('VALIDATION_FAILED', '部分文件不存在或不能关联到该项目，请重新上传', {
        fields: [{ path: 'fileIds', message: `无效的文件：${bad.join(', ')}` }],
        fileIds: bad,
      });
    }
    const projectId = new Types.ObjectId(target.projectId);
    for (const doc of docs) {
      const visible = target.customerVisible;
      if (isBoundTo(doc, target.projectId) && doc.customerVisible === visible) continue;
      await retryTransient(() =>
        this.deps.files.updateOne({ _id: doc._id }, { $set: { projectId, customerVisible: visible } }),
      );
      await this.deps.audit.record({
        actor,
        action: 'file.attached',
        resource: 'file',
        resourceId: doc._id,
        before: { projectId: doc.projectId, customerVisible: doc.customerVisible },
        after: { projectId: target.projectId, customerVisible: visible },
      });
    }
    return this.refs(actor, fileIds);
  }

  /** Refs (with fresh signed URLs) of the given ids that `actor` may see, in the given order. */
  async refs(actor: Actor, fileIds: string[]): Promise<FileRef[]> {
    const docs = await this.findByIds(fileIds);
    const visible = await this.visibleTo(actor, docs);
    const byId = new Map(visible.map((d) => [String(d._id), d]));
    return [...new Set(fileIds)].flatMap((id) => {
      const doc = byId.get(id);
      return doc ? [this.toRef(doc)] : [];
    });
  }

  /** One file's metadata; 404 when it is missing or the actor may not see it. */
  async get(actor: Actor, fileId: string): Promise<FileRef> {
    const [ref] = await this.refs(actor, [fileId]);
    if (!ref) throw new NotFoundError('文件不存在');
    return ref;
  }

  async content(fileId: string, variant: FileVariant, access: ContentAccess): Promise<FileContent> {
    let maxAge = 0;
    if ('sig' in access) {
      const left = this.deps.signer.verify(fileId, variant, access.exp, access.sig);
      if (left === null) throw new AppError('FILE_LINK_INVALID');
      maxAge = left;
    }
    const [doc] = await this.findByIds([fileId]);
    const readable =
      doc && ('actor' in access ? (await this.visibleTo(access.actor, [doc])).length > 0 : true);
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

  /** A project's files the actor may see, newest first; customers get the customer-visible ones only. */
  async listForProject(actor: Actor, projectId: string, query: FileListQuery): Promise<Page<FileRef>> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const visible: MongoFilter = { projectId: project._id };
    if (actor.role === 'customer') visible.customerVisible = true;
    const kind = query.kind
      ? { mime: { $in: query.kind === 'image' ? IMAGE_MIME_TYPES : DOCUMENT_MIME_TYPES } }
      : undefined;
    const list = { scope: grantScope(visible), narrow: kind };
    return paginateById(this.deps.files, list, query, (doc) => this.toRef(doc));
  }

  /**
   * Deletes uploads never bound to a record (a form abandoned after its photos were sent) once
   * they are `days` old. The record goes first, guarded on still being unbound, so a file attached
   * meanwhile keeps its bytes.
   */
  async purgeUnattached(days: number): Promise<{ deleted: number }> {
    const cutoff = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - days * 86_400);
    let deleted = 0;
    for (;;) {
      const docs = await this.deps.files
        .find({ projectId: null, _id: { $lt: cutoff } }, { storageKey: 1, thumbKey: 1 })
        .limit(200)
        .lean<Array<Pick<FileDoc, '_id' | 'storageKey' | 'thumbKey'>>>();
      if (docs.length === 0) return { deleted };
      for (const doc of docs) {
        const gone = await retryTransient(() => this.deps.files.deleteOne({ _id: doc._id, projectId: null }));
        if (gone.deletedCount !== 1) continue;
        deleted += 1;
        const keys = [doc.storageKey, doc.thumbKey].filter((k): k is string => k !== null);
        await Promise.all(keys.map((k) => this.deps.storage.delete(k)));
      }
    }
  }

  private async findByIds(ids: string[]): Promise<FileDoc[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id));
    if (valid.length === 0) return [];
    return this.deps.files.find({ _id: { $in: valid } }).lean<FileDoc[]>();
  }

  /** The uploader always; others through the project (customers only customer-visible files). */
  private async visibleTo(actor: Actor, docs: FileDoc[]): Promise<FileDoc[]> {
    const projectReadable = new Map<string, Promise<boolean>>();
    const canReadProject = (id: string) => {
      if (!projectReadable.has(id)) projectReadable.set(id, this.deps.projectAccess.canRead(actor, id));
      return projectReadable.get(id)!;
    };
    const checks = await Promise.all(
      docs.map(async (doc) => {
        if (isUploader(actor, doc)) return true;
        if (doc.projectId === null) return false;
        if (actor.role === 'customer' && !doc.customerVisible) return false;
        return canReadProject(String(doc.projectId));
      }),
    );
    return docs.filter((_, i) => checks[i]);
  }

  private toRef(doc: FileDoc): FileRef {
    const id = String(doc._id);
    return {
      id,
      name: doc.name,
      mime: doc.mime,
      size: doc.size,
      width: doc.width,
      height: doc.height,
      url: this.deps.signer.url(id, 'content'),
      thumbUrl: doc.thumbKey ? this.deps.signer.url(id, 'thumbnail') : null,
      customerVisible: doc.customerVisible,
      uploadedAt: doc.createdAt.toISOString(),
      uploadedBy: { id: doc.uploaderId, name: doc.uploaderName },
    };
  }
}

const isUploader = (actor: Actor, doc: FileDoc) =>
  doc.uploaderId === actor.id && doc.uploaderKind === actor.kind;
const isBoundTo = (doc: FileDoc, projectId: string) =>
  doc.projectId !== null && String(doc.projectId) === projectId;
