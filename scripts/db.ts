/**
 * `npm run db -- <command>`: moving data in and out of a MongoDB-compatible server.
 *
 *   export DIR [--db NAME]           the configured database (MONGODB_URI or config) into DIR
 *   import DIR [--db NAME] [--drop]  a dump into the configured database (refuses to merge into data)
 *   snapshot --uri URI --dir ROOT    every database of the embedded server into a new snapshot
 *   restore  --uri URI --dir ROOT    the current snapshot into an empty embedded server
 *   watch    --uri URI --dir ROOT --every SECONDS   a snapshot every SECONDS until stopped
 *
 * `scripts/services.sh` runs the last three; export and import are how data tried on the embedded
 * server moves to a production MongoDB (`MONGODB_URI=mongodb://… npm run db -- import DIR`).
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../server/src/core/config';
import { dumpDatabase, loadDatabase } from './embedded-mongo/dump';
import { restoreSnapshot, takeSnapshot } from './embedded-mongo/snapshot';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string' },
    drop: { type: 'boolean', default: false },
    uri: { type: 'string' },
    dir: { type: 'string' },
    every: { type: 'string' },
  },
});
const [command, dirArg] = positionals;

const say = (line: string) => process.stderr.write(`[db] ${line}\n`);

async function withClient<T>(uri: string, work: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000, retryWrites: false });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function configuredDatabase(): { uri: string; name: string } {
  const uri = loadConfig().mongodb.uri;
  const name = values.db ?? new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.slice(1);
  if (!name) throw new Error('the MongoDB URI names no database; pass --db NAME');
  return { uri, name };
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`missing ${what}; see the usage at the top of scripts/db.ts`);
  return value;
}

async function snapshotOnce(uri: string, root: string): Promise<void> {
  const started = Date.now();
  const { dir, databases } = await withClient(uri, (c) => takeSnapshot(c, root));
  say(`snapshot of ${databases.length} database(s) in ${Date.now() - started} ms: ${dir}`);
}

/** One snapshot at a time; a stop request waits for the one in progress so `current` stays whole. */
async function watch(uri: string, root: string, everySeconds: number): Promise<void> {
  let stopping = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping = true;
    clearTimeout(timer);
    wake?.();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  while (!stopping) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, everySeconds * 1000);
    });
    if (stopping) break;
    await snapshotOnce(uri, root).catch((err: Error) => say(`snapshot failed: ${err.message}`));
  }
}

async function main(): Promise<void> {
  switch (command) {
    case 'export': {
      const dir = required(dirArg, 'DIR');
      const { uri, name } = configuredDatabase();
      const m = await withClient(uri, (c) => dumpDatabase(c.db(name), dir));
      say(`exported ${name}: ${Object.keys(m.collections).length} collections into ${dir}`);
      return;
    }
    case 'import': {
      const dir = required(dirArg, 'DIR');
      const { uri, name } = configuredDatabase();
      const m = await withClient(uri, (c) => loadDatabase(c.db(name), dir, { drop: values.drop }));
      const docs = Object.values(m.collections).reduce((n, c) => n + c.documents, 0);
      say(`imported ${docs} documents in ${Object.keys(m.collections).length} collections into ${name}`);
      return;
    }
    case 'snapshot':
      return snapshotOnce(required(values.uri, '--uri'), required(values.dir, '--dir'));
    case 'restore': {
      const r = await withClient(required(values.uri, '--uri'), (c) =>
        restoreSnapshot(c, required(values.dir, '--dir')),
      );
      if (!r.from) say('no snapshot to restore: starting empty');
      else if (r.skipped) say(`not restored (${r.skipped})`);
      else say(`restored ${r.restored.length} database(s) from ${r.from}`);
      return;
    }
    case 'watch':
      return watch(required(values.uri, '--uri'), required(values.dir, '--dir'), Number(values.every ?? 300));
    default:
      throw new Error(`unknown command '${command ?? ''}' (export | import | snapshot | restore | watch)`);
  }
}

main().catch((err: Error) => {
  say(`error: ${err.message}`);
  process.exit(1);
});
