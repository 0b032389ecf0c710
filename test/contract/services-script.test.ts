import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * `scripts/services.sh` after a crash: FerretDB killed while creating a database leaves a file
 * without its `_ferretdb_collections` table, and FerretDB then refuses to start at all. The script
 * must set such a file aside and start. Runs a second FerretDB on its own data folder and port, so
 * the one the other suites use is never touched.
 */
const root = resolve(__dirname, '../..');
const binary = join(root, '.cache/bin/ferretdb');
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

/** Runs `body` (with `db` = database "kept") in a separate Node process against FerretDB on `port`. */
async function inKept(port: string, body: string): Promise<string> {
  const code = `const { MongoClient } = require('mongodb');
    (async () => {
      const c = await MongoClient.connect('mongodb://127.0.0.1:${port}/kept');
      const db = c.db('kept');
      ${body}
      await c.close();
    })();`;
  const { stdout } = await run(process.execPath, ['-e', code], { cwd: join(root, 'server') });
  return stdout.trim();
}

const haveBinary = existsSync(binary);
if (!haveBinary)
  console.warn(`services-script test skipped: no FerretDB build at ${binary} (the tests ran on MONGODB_URI)`);

(haveBinary ? it : it.skip)(
  'starts FerretDB past a database file it never finished creating, and keeps that file aside',
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'gantry-services-'));
    const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_DATA_DIR: data };
    for (const k of ['MONGODB_URI', 'REDIS_URL', 'GANTRY_SERVICES_STARTED_FILE']) delete env[k];
    env.GANTRY_FERRETDB_PORT = String(await freePort());
    const script = (cmd: string) =>
      run('bash', ['scripts/services.sh', cmd, 'ferretdb'], { cwd: root, env, timeout: 90_000 });
    try {
      // a finished database: FerretDB made it, with one document in it
      await script('start');
      const port = env.GANTRY_FERRETDB_PORT;
      const count = await inKept(
        port,
        `await db.collection('things').insertOne({ name: '保留' });
         console.log(await db.collection('things').countDocuments());`,
      );
      expect(count).toBe('1');
      await script('stop');
      // what a crash in the middle of creating one leaves behind
      writeFileSync(join(data, 'ferretdb', 'half_made.sqlite'), '');
      const started = await script('start');
      expect(started.stdout + started.stderr).toContain('setting aside half_made.sqlite');
      expect(readdirSync(join(data, 'ferretdb-unfinished'))).toEqual(['half_made.sqlite']);
      // the finished database is still there and readable
      const again = await inKept(port, `console.log((await db.collection('things').findOne({})).name);`);
      expect(again).toBe('保留');
    } finally {
      await script('stop').catch(() => undefined);
      rmSync(data, { recursive: true, force: true });
    }
  },
  120_000,
);
