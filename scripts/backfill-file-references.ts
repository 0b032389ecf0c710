/**
 * Once, after upgrading to references on files: writes each file's `refs` and `visibleVia` from
 * the records that list it, as their own writes now do. Files written before then carry only the
 * old `customerVisible` flag, which no longer grants anything, so without this run customers stop
 * seeing every older photo. Idempotent ($addToSet); safe while the API runs.
 *
 *   npx tsx scripts/backfill-file-references.ts
 */
import type { Connection, Types } from 'mongoose';
import { loadConfig } from '../server/src/core/config';
import { connectDatabase } from '../server/src/core/db';

type Doc = Record<string, unknown> & { _id: Types.ObjectId };
interface Source {
  collection: string;
  /** The file ids one record lists, each list under the record key it is referenced by. */
  lists(doc: Doc): Array<{ key: string; ids: unknown[] }>;
  visible(doc: Doc): boolean;
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const id = (d: Doc) => String(d._id);

/** The same kinds and keys the modules pass to `files.attach` (FILE_RECORD_KINDS). */
const SOURCES: Source[] = [
  {
    collection: 'chat_messages',
    lists: (d) => [{ key: `chat_message:${id(d)}`, ids: arr(d.fileIds) }],
    visible: (d) => !d.retractedAt,
  },
  {
    collection: 'milestone_rounds',
    lists: (d) => [
      { key: `milestone_round:${String(d.milestoneId)}.${String(d.round)}`, ids: arr(d.photoIds) },
    ],
    visible: () => true,
  },
  {
    collection: 'milestone_decisions',
    lists: (d) => [
      { key: `milestone_decision:${String(d.milestoneId)}.${String(d.round)}`, ids: arr(d.photoIds) },
    ],
    visible: () => true,
  },
  {
    collection: 'site_daily_logs',
    lists: (d) => [{ key: `daily_log:${id(d)}`, ids: arr(d.photoIds) }],
    visible: (d) => d.customerVisible === true,
  },
  {
    collection: 'site_issues',
    lists: (d) => [
      { key: `site_issue:${id(d)}`, ids: arr(d.photoIds) },
      { key: `site_issue_resolution:${id(d)}`, ids: arr((d.resolution as Doc | null)?.photoIds) },
    ],
    visible: (d) => d.customerVisible === true,
  },
  {
    collection: 'change_requests',
    lists: (d) => [{ key: `change_request:${id(d)}`, ids: arr(d.photoIds) }],
    visible: () => true,
  },
  {
    collection: 'complaints',
    lists: (d) => [
      { key: `complaint:${id(d)}`, ids: arr(d.photoIds) },
      { key: `complaint_resolution:${id(d)}.${String(d.round)}`, ids: arr(d.resolutionPhotoIds) },
    ],
    visible: () => true,
  },
  {
    collection: 'repairs',
    lists: (d) => [
      { key: `repair:${id(d)}`, ids: arr(d.photoIds) },
      { key: `repair_fix:${id(d)}.${String(d.round)}`, ids: arr(d.fixPhotoIds) },
    ],
    visible: () => true,
  },
  {
    collection: 'contracts',
    lists: (d) => [{ key: `contract:${id(d)}`, ids: arr(d.attachmentIds) }],
    visible: () => true,
  },
];

export async function backfillFileReferences(conn: Connection): Promise<{ references: number }> {
  const files = conn.collection('files');
  let references = 0;
  for (const source of SOURCES) {
    for await (const raw of conn.collection(source.collection).find({})) {
      const doc = raw as Doc;
      const visible = source.visible(doc);
      for (const { key, ids } of source.lists(doc)) {
        if (ids.length === 0) continue;
        const add = visible ? { refs: key, visibleVia: key } : { refs: key };
        const res = await files.updateMany({ _id: { $in: ids as Types.ObjectId[] } }, { $addToSet: add });
        references += res.modifiedCount;
      }
    }
  }
  return { references };
}

async function main() {
  const conn = await connectDatabase(loadConfig().mongodb.uri);
  try {
    process.stdout.write(`${JSON.stringify(await backfillFileReferences(conn))}\n`);
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
