import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { BSON, type Db, type Document, type IndexDescription, type MongoClient } from 'mongodb';

const { EJSON } = BSON;

/**
 * A database as a folder: one `<collection>.jsonl` of canonical Extended JSON per collection (one
 * document a line, so types such as ObjectId, Date, Int64 and Decimal128 come back as they were),
 * `<collection>.indexes.json` with its index specs, and `manifest.json` written last, listing what
 * the folder holds. A folder without a manifest is unfinished and is never read.
 */
export interface DumpManifest {
  format: 'gantry-db-dump/1';
  database: string;
  createdAt: string;
  collections: Record<string, { documents: number; indexes: number }>;
}

const MANIFEST = 'manifest.json';
const INSERT_BATCH = 1000;

/** Writes every collection of `db` into `dir` (created; must not exist or be empty). */
export async function dumpDatabase(db: Db, dir: string): Promise<DumpManifest> {
  await mkdir(dir, { recursive: true });
  const manifest: DumpManifest = {
    format: 'gantry-db-dump/1',
    database: db.databaseName,
    createdAt: new Date().toISOString(),
    collections: {},
  };
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.'))
    .sort();
  for (const name of names) {
    const documents = await writeCollection(db, name, join(dir, `${name}.jsonl`));
    const indexes = (await db.collection(name).listIndexes().toArray()).filter((i) => i.name !== '_id_');
    await writeDurably(join(dir, `${name}.indexes.json`), JSON.stringify(indexes, null, 2));
    manifest.collections[name] = { documents, indexes: indexes.length };
  }
  await writeDurably(join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
  return manifest;
}

async function writeCollection(db: Db, name: string, file: string): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  // A failed write (disk full, folder removed) rejects here instead of being an unhandled 'error'.
  const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  let count = 0;
  const cursor = db.collection(name).find({}, { sort: { _id: 1 } });
  try {
    for await (const doc of cursor) {
      const line = EJSON.stringify(doc, { relaxed: false }) + '\n';
      if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
      count += 1;
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } finally {
    await cursor.close();
    out.destroy();
  }
  await fsyncFile(file);
  return count;
}

async function writeDurably(file: string, text: string): Promise<void> {
  await writeFile(file, text, 'utf8');
  await fsyncFile(file);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readManifest(dir: string): Promise<DumpManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as DumpManifest;
    return manifest.format === 'gantry-db-dump/1' ? manifest : null;
  } catch {
    return null;
  }
}

/**
 * Loads a dump into `db`. Refuses a database that already holds any of the dump's collections
 * with documents in them, unless `drop` says to replace them: an import never merges silently.
 */
export async function loadDatabase(
  db: Db,
  dir: string,
  opts: { drop?: boolean } = {},
): Promise<DumpManifest> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} is not a finished dump (no ${MANIFEST})`);
  for (const name of Object.keys(manifest.collections)) {
    const existing = await db.collection(name).estimatedDocumentCount();
    if (existing > 0 && !opts.drop)
      throw new Error(
        `collection ${db.databaseName}.${name} already holds ${existing} documents (use --drop to replace)`,
      );
    if (opts.drop)
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
  }
  for (const [name, expected] of Object.entries(manifest.collections)) {
    await db.createCollection(name).catch(() => undefined);
    const loaded = await loadCollection(db, name, join(dir, `${name}.jsonl`));
    if (loaded !== expected.documents)
      throw new Error(`${name}.jsonl holds ${loaded} documents, the manifest says ${expected.documents}`);
    const specs = JSON.parse(await readFile(join(dir, `${name}.indexes.json`), 'utf8')) as Document[];
    if (specs.length > 0) await db.collection(name).createIndexes(specs.map(toIndexDescription));
  }
  return manifest;
}

async function loadCollection(db: Db, name: string, file: string): Promise<number> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let batch: Document[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db.collection(name).insertMany(batch, { ordered: true });
    count += batch.length;
    batch = [];
  };
  // readline does not forward the file stream's errors: a read error must end the loop too.
  const failed = once(input, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  const consume = (async () => {
    for await (const line of lines) {
      if (line.length === 0) continue;
      batch.push(EJSON.parse(line, { relaxed: false }) as Document);
      if (batch.length >= INSERT_BATCH) await flush();
    }
    await flush();
  })();
  await Promise.race([consume, failed]);
  return count;
}

function toIndexDescription(spec: Document): IndexDescription {
  const { key, name, v: _v, ns: _ns, ...options } = spec;
  return { key, name, ...options } as IndexDescription;
}

/** The non-system databases of the server. */
export async function listDatabases(client: MongoClient): Promise<string[]> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name).filter((n) => !['admin', 'local', 'config'].includes(n));
}
