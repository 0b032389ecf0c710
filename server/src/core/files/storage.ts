import type { Readable } from 'node:stream';

/**
 * Where file bytes live, by key. The local disk implementation serves development, tests and a
 * single-server install; production plugs object storage (COS, OSS, S3) behind the same same calls.
 * Keys are chosen by the files module (`YYYY/MM/<id>`), never by a client.
 */
export interface FileStorage {
  /** Stores the bytes under `key`, replacing what was there; resolves once they are durable. */
  put(key: string, body: Buffer | Readable): Promise<void>;
  /** The bytes under `key`; rejects with `FileMissingError` when there are none. */
  get(key: string): Promise<Readable>;
  /** Removes `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every key held, with when it was last written: the purge job compares them with the files
   * collection to find bytes whose record never got written or was deleted before them.
   */
  list(): AsyncIterable<StoredKey>;
}

export interface StoredKey {
  key: string;
  modifiedAt: Date;
}

export class FileMissingError extends Error {
  constructor(readonly key: string) {
    super(`no stored file under ${key}`);
    this.name = 'FileMissingError';
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Keys are relative paths of plain segments: no `..`, no absolute paths, no backslashes. */
export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
