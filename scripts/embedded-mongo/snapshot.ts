import { mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { dumpDatabase, listDatabases, loadDatabase, readManifest } from './dump';

/**
 * Snapshots of the whole embedded server, whose memory backend forgets everything when it stops.
 *
 *   <root>/snap-<time>/<database>/…   one finished dump per database (see dump.ts)
 *   <root>/snap-<time>/SNAPSHOT.json  written last: the databases it holds
 *   <root>/current -> snap-<time>     replaced by rename(2), which is atomic
 *
 * A snapshot is written into a fresh `tmp-*` folder and only becomes `current` once complete, so a
 * process killed half-way leaves the previous snapshot in place; the next run deletes the debris.
 */
const CURRENT = 'current';
const MARK = 'SNAPSHOT.json';
const KEEP = 2;

interface SnapshotMark {
  createdAt: string;
  databases: string[];
}

export async function takeSnapshot(
  client: MongoClient,
  root: string,
): Promise<{ dir: string; databases: string[] }> {
  await mkdir(root, { recursive: true });
  await removeDebris(root);
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const tmp = join(root, `tmp-${stamp}-${process.pid}`);
  await mkdir(tmp);
  const databases = await listDatabases(client);
  for (const name of databases) await dumpDatabase(client.db(name), join(tmp, name));
  const mark: SnapshotMark = { createdAt: new Date().toISOString(), databases };
  await writeFile(join(tmp, MARK), JSON.stringify(mark, null, 2), 'utf8');
  const final = join(root, `snap-${stamp}`);
  await rename(tmp, final);
  const link = join(root, `${CURRENT}.tmp-${process.pid}`);
  await rm(link, { force: true });
  await symlink(`snap-${stamp}`, link);
  await rename(link, join(root, CURRENT));
  await pruneOld(root);
  return { dir: final, databases };
}

/** The folder `current` names, when it holds a finished snapshot. */
export async function currentSnapshot(root: string): Promise<string | null> {
  let target: string;
  try {
    target = await readlink(join(root, CURRENT));
  } catch {
    return null;
  }
  const dir = join(root, target);
  try {
    JSON.parse(await readFile(join(dir, MARK), 'utf8'));
    return dir;
  } catch {
    return null;
  }
}

/**
 * Restores the current snapshot into a server that holds no data yet. A server that already has
 * databases is left alone: restoring into it would mix old and new documents.
 */
export async function restoreSnapshot(
  client: MongoClient,
  root: string,
): Promise<{ restored: string[]; from: string | null; skipped?: string }> {
  const dir = await currentSnapshot(root);
  if (!dir) return { restored: [], from: null };
  const present = await listDatabases(client);
  if (present.length > 0)
    return { restored: [], from: dir, skipped: `server already holds ${present.join(', ')}` };
  const mark = JSON.parse(await readFile(join(dir, MARK), 'utf8')) as SnapshotMark;
  const restored: string[] = [];
  for (const name of mark.databases) {
    if (!(await readManifest(join(dir, name))))
      throw new Error(`snapshot ${dir} lacks a finished dump of ${name}`);
    await loadDatabase(client.db(name), join(dir, name));
    restored.push(name);
  }
  return { restored, from: dir };
}

async function removeDebris(root: string): Promise<void> {
  for (const entry of await readdir(root)) {
    if (entry.startsWith('tmp-') || entry.startsWith(`${CURRENT}.tmp-`))
      await rm(join(root, entry), { recursive: true, force: true });
  }
}

async function pruneOld(root: string): Promise<void> {
  const current = await readlink(join(root, CURRENT));
  const snaps = (await readdir(root)).filter((e) => e.startsWith('snap-')).sort();
  const old = snaps.filter((s) => s !== current).slice(0, Math.max(0, snaps.length - KEEP));
  for (const s of old) await rm(join(root, s), { recursive: true, force: true });
}
