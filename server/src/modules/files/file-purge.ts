import { Types } from 'mongoose';
import { retryTransient } from '../../core/db';
import type { FileStorage, StoredKey } from '../../core/files/storage';
import type { FileDoc, FileModel } from './file.model';

/**
 * An upload's record is written (`uploading`) before its bytes and marked `stored` after them, so
 * a process killed mid-way leaves a record that says so, and bytes always have a record unless a
 * delete stopped between the two. An hour is far beyond any upload (10 MB, one re-encode): what is
 * older is left over, not in progress.
 */
export const UPLOAD_GRACE_MS = 60 * 60_000;

const BATCH = 200;
type Keys = Pick<FileDoc, '_id' | 'storageKey' | 'thumbKey'>;
const keysOf = (doc: Keys) => [doc.storageKey, doc.thumbKey].filter((k): k is string => k !== null);

export class FilePurge {
  constructor(
    private readonly files: FileModel,
    private readonly storage: FileStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records older than the cutoff matching `filter`, deleted record first (guarded), then bytes. */
  async deleteRecords(filter: Record<string, unknown>, olderThanMs: number): Promise<number> {
    const cutoff = Types.ObjectId.createFromTime(Math.floor((this.now() - olderThanMs) / 1000));
    let deleted = 0;
    for (;;) {
      const docs = await this.files
        .find({ ...filter, _id: { $lt: cutoff } }, { storageKey: 1, thumbKey: 1 })
        .limit(BATCH)
        .lean<Keys[]>();
      if (docs.length === 0) return deleted;
      for (const doc of docs) {
        // Guarded on the filter still holding, so a file attached meanwhile keeps its bytes.
        const gone = await retryTransient(() => this.files.deleteOne({ ...filter, _id: doc._id }));
        if (gone.deletedCount !== 1) continue;
        deleted += 1;
        await Promise.all(keysOf(doc).map((k) => this.storage.delete(k)));
      }
    }
  }

  /**
   * Bytes no record points to: a put whose record was deleted before the bytes were, or a temp
   * file of a put that died. Only those older than the grace, so a put in flight is left alone.
   */
  async sweepStorage(): Promise<number> {
    let deleted = 0;
    let batch: StoredKey[] = [];
    for await (const entry of this.storage.list()) {
      if (this.now() - entry.modifiedAt.getTime() < UPLOAD_GRACE_MS) continue;
      batch.push(entry);
      if (batch.length >= BATCH) {
        deleted += await this.sweepBatch(batch);
        batch = [];
      }
    }
    return deleted + (batch.length > 0 ? await this.sweepBatch(batch) : 0);
  }

  private async sweepBatch(entries: StoredKey[]): Promise<number> {
    const ids = [...new Set(entries.map((e) => idOfKey(e.key)).filter((id): id is string => id !== null))];
    const docs = ids.length
      ? await this.files.find({ _id: { $in: ids } }, { storageKey: 1, thumbKey: 1 }).lean<Keys[]>()
      : [];
    const referenced = new Set(docs.flatMap(keysOf));
    const orphans = entries.filter((e) => !referenced.has(e.key));
    for (const orphan of orphans) await this.storage.delete(orphan.key);
    return orphans.length;
  }
}

/** `YYYY/MM/<id>`, `<id>.thumb` or a temp `<id>.<random>.tmp`: the file id the key was made for. */
function idOfKey(key: string): string | null {
  const id = key.split('/').pop()!.split('.')[0]!;
  return /^[0-9a-f]{24}$/.test(id) ? id : null;
}
