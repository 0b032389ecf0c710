import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * `scripts/services.sh` keeps the embedded database's data across a stop and a start, although its
 * memory backend forgets everything: a snapshot on stop, restored on start. A snapshot killed
 * half-way must leave the previous one usable. Runs a second server on its own data folder and
 * port, so the one the other suites use is never touched.
 */
const root = resolve(__dirname, '../..');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** Runs `body` (with `db` = database "kept") in a separate Node process against the server on `port`. */
async function inKept(port: string, body: string): Promise<string> {
  const code = `const { MongoClient } = require('mongodb');
    (async () => {
      const c = await MongoClient.connect('mongodb://127.0.0.1:${port}/kept');
      const db = c.db('kept');
      ${body}
      await c.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ['-e', code], { cwd: join(root, 'server') });
  return stdout.trim();
}

it('keeps documents and unique indexes across stop and start, and survives a snapshot killed half-way', async () => {
  const data = mkdtempSync(join(tmpdir(), 'gantry-services-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GANTRY_DATA_DIR: data,
    GANTRY_MONGO_SNAPSHOT_SECONDS: '0',
  };
  for (const k of ['MONGODB_URI', 'REDIS_URL', 'GANTRY_SERVICES_STARTED_FILE']) delete env[k];
  env.GANTRY_MONGO_PORT = String(await freePort());
  const port = env.GANTRY_MONGO_PORT;
  const script = (cmd: string) =>
    run('bash', ['scripts/services.sh', cmd, 'mongo'], { cwd: root, env, timeout: 120_000 });
  const snapshots = join(data, 'mongo', 'snapshots');
  try {
    await script('start');
    await inKept(
      port,
      `await db.collection('things').createIndex({ name: 1 }, { unique: true });
       await db.collection('things').insertMany([
         { name: '保留', at: new Date('2027-02-28T16:00:00Z'), amount: 10889 },
         { name: '第二条', at: new Date('2027-03-01T00:00:00Z'), amount: 1 },
       ]);`,
    );
    await script('stop');
    const first = readlinkSync(join(snapshots, 'current'));

    await script('start');
    const back = await inKept(
      port,
      `const docs = await db.collection('things').find({}, { projection: { _id: 0 } }).sort({ amount: -1 }).toArray();
       let dup = 'none';
       try { await db.collection('things').insertOne({ name: '保留' }); } catch (e) { dup = String(e.code); }
       console.log(JSON.stringify({ docs, dup }));`,
    );
    expect(JSON.parse(back)).toEqual({
      docs: [
        { name: '保留', at: '2027-02-28T16:00:00.000Z', amount: 10889 },
        { name: '第二条', at: '2027-03-01T00:00:00.000Z', amount: 1 },
      ],
      dup: '11000',
    });

    // What a snapshot killed half-way leaves: a tmp folder without its completion mark, `current`
    // still naming the previous snapshot.
    const debris = join(snapshots, 'tmp-20270101T000000000Z-1', 'kept');
    mkdirSync(debris, { recursive: true });
    writeFileSync(join(debris, 'things.jsonl'), '{"name":"半截');
    await inKept(port, `await db.collection('things').insertOne({ name: '第三条', amount: 2 });`);
    // killed before its own snapshot: the server dies with the data since the last snapshot
    const pid = Number((await run('cat', [join(data, 'mongo.pid')])).stdout.trim());
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(readlinkSync(join(snapshots, 'current'))).toBe(first);

    await script('start');
    const names = await inKept(
      port,
      `console.log((await db.collection('things').find().sort({ amount: -1 }).toArray()).map((d) => d.name).join(','));`,
    );
    expect(names).toBe('保留,第二条');
    await script('stop');
    // the next snapshot clears the debris and becomes current
    expect(readdirSync(snapshots).filter((e) => e.startsWith('tmp-'))).toEqual([]);
    expect(readlinkSync(join(snapshots, 'current'))).not.toBe(first);
  } finally {
    await script('stop').catch(() => undefined);
    rmSync(data, { recursive: true, force: true });
  }
}, 180_000);
