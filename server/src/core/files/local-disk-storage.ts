import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, FileMissingError, type FileStorage, type StoredKey } from './storage';

/** Files under one folder (config `files.dataDir`); a key is a relative path below it. */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Write beside the target and rename: a reader never sees half a file, a crash leaves only a temp file.
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(source, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Open first so a missing file is an error here, not a stream that fails after headers were sent.
    const handle = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new FileMissingError(key) : err;
    });
    return handle.createReadStream();
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  /** Temp files of a put that died are listed too: their names are keys nothing points to. */
  async *list(): AsyncIterable<StoredKey> {
    const entries = await fs
      .readdir(this.root, { recursive: true, withFileTypes: true })
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      const key = path.relative(this.root, full).split(path.sep).join('/');
      const stat = await fs.stat(full).catch(() => null);
      if (stat) yield { key, modifiedAt: stat.mtime };
    }
  }
}
