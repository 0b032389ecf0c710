/**
 * Benchmark (not a test) for the CRM at a firm's scale: seeds customers (spread over tiers, types
 * and ten sales owners) into a fresh database, then prints, for each operation, p50/p95 through
 * the real HTTP API (as an admin, who sees the whole firm) beside p50/p95 of the raw driver
 * replaying the same reads on the same server (compare.ts): the customer list's first page and a
 * deep page (cursor), search by name and by phone, the tier / owner / type filters; then the time
 * and peak RSS of importing a workbook of N rows.
 *
 *   npx tsx scripts/bench/crm.ts [--customers 100000] [--import-rows 50000] [--depth 50] [--reps 30]
 *                                [--opportunities 0]   (> 0 also measures the funnel)
 *
 * Written for the embedded mongo-java-server (memory backend): it ignores non-unique indexes, so
 * every list scans the collection there; the table names the index each read uses on MongoDB.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { CUSTOMER_TIERS, CUSTOMER_TYPES, nameKeyOf, normalizeName, phoneKeysOf } from '@gantry/shared';
import { loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { CustomerImporter } from '../../server/src/modules/crm/customer-import';
import { CUSTOMER_IMPORT_MAX_ROWS } from '../../server/src/modules/crm/customer-import-layout';
import { startServer } from '../../server/src/server';
import { Bench, monitoredUri } from './compare';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STAGES = ['intention', 'negotiation', 'quotation', 'signed', 'lost'] as const;
const SOURCES = ['online_ad', 'expo', 'referral', 'website', 'other'] as const;
const OWNERS = 10;

type Server = Awaited<ReturnType<typeof startServer>>;

async function createStaff(server: Server, tag: string) {
  const admin = server.container.services.staffAdmin;
  await admin.create(null, {
    username: `bench_${tag}`,
    password: 'Bench-pass-1',
    name: '基准管理员',
    role: 'admin',
  });
  const owners: Types.ObjectId[] = [];
  for (let i = 0; i < OWNERS; i += 1) {
    const sales = await admin.create(null, {
      username: `bench_${tag}_s${i}`,
      password: 'Bench-pass-1',
      name: `基准销售${i}`,
      role: 'sales',
    });
    owners.push(new Types.ObjectId(sales.id));
  }
  return owners;
}

async function seedCustomers(server: Server, customers: number, owners: Types.ObjectId[]) {
  const t = performance.now();
  const ids: Types.ObjectId[] = [];
  for (let i = 0; i < customers; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, customers - i) }, (_, k) => {
      const n = i + k;
      const name = `基准建设工程有限公司${n}`;
      const phone = `139${String(n).padStart(8, '0')}`;
      const type = CUSTOMER_TYPES[n % CUSTOMER_TYPES.length]!;
      const _id = new Types.ObjectId();
      ids.push(_id);
      return {
        _id,
        name,
        type,
        phone,
        contacts: [],
        source: SOURCES[n % SOURCES.length],
        // Every 20th customer is in the public pool (no owner), as unassigned leads are.
        ownerId: n % 20 === 0 ? null : owners[n % owners.length],
        tier: CUSTOMER_TIERS[Math.floor(n / 7) % CUSTOMER_TIERS.length],
        tags: [],
        autoTags: [],
        notes: '',
        creditDays: 30,
        creditLimit: 0,
        nameKey: nameKeyOf(type, name),
        nameSearch: normalizeName(name),
        phoneKeys: phoneKeysOf([phone]),
      };
    });
    await server.container.models.customers.insertMany(batch, { ordered: false });
  }
  console.log(`seeded ${customers} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return ids;
}

async function seedOpportunities(
  server: Server,
  total: number,
  ids: Types.ObjectId[],
  owner: Types.ObjectId,
) {
  const t = performance.now();
  for (let i = 0; i < total; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - i) }, (_, k) => {
      const n = i + k;
      return {
        customerId: ids[n % ids.length],
        ownerId: owner,
        name: `商机${n}`,
        stage: STAGES[n % STAGES.length],
        lostReason: n % STAGES.length === 4 ? '价格' : null,
        expectedAmount: 1_000_000 + (n % 97) * 10_000,
        stageEnteredAt: new Date(Date.now() - (n % 60) * 86_400_000),
      };
    });
    await server.container.conn.collection('opportunities').insertMany(batch);
  }
  console.log(`seeded ${total} opportunities in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function apiClient(server: Server, username: string) {
  const login = await fetch(`${server.url}/api/v1/auth/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Bench-pass-1' }),
  });
  const token = ((await login.json()) as { token: string }).token;
  return async (path: string) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ items?: unknown[]; nextCursor?: string | null }>;
  };
}

async function measureLists(
  bench: Bench,
  get: (path: string) => Promise<{ nextCursor?: string | null }>,
  o: { depth: number; reps: number; owner: Types.ObjectId; funnel: boolean },
) {
  let cursor: string | null | undefined;
  for (let page = 0; page < o.depth; page += 1)
    cursor = (await get(`/customers?limit=20${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
  const byId = '_id (default)';
  await bench.measure('list, page 1', o.reps, byId, () => get('/customers?limit=20'));
  await bench.measure(`list, page ${o.depth + 1} (cursor)`, o.reps, byId, () =>
    get(`/customers?limit=20&cursor=${cursor}`),
  );
  await bench.measure(
    'search by name (substring)',
    o.reps,
    '{ nameSearch: 1 } for an anchored regex only; a substring scans that index or the collection (needs text/n-gram search)',
    () => get(`/customers?limit=20&q=${encodeURIComponent('有限公司4242')}`),
  );
  await bench.measure(
    'search by phone prefix',
    o.reps,
    '$or of { nameSearch: 1 } (unanchored: scans) and { phoneKeys: 1 } (prefix range)',
    () => get('/customers?limit=20&q=1390000424'),
  );
  await bench.measure('filter tier=high_value', o.reps, '{ tier: 1, _id: -1 }', () =>
    get('/customers?limit=20&tier=high_value'),
  );
  await bench.measure('filter owner (1 of 10)', o.reps, '{ ownerId: 1, _id: -1 }', () =>
    get(`/customers?limit=20&ownerId=${String(o.owner)}`),
  );
  await bench.measure('filter type=government', o.reps, '{ type: 1, _id: -1 }', () =>
    get('/customers?limit=20&type=government'),
  );
  if (o.funnel)
    await bench.measure('funnel', Math.min(o.reps, 5), 'opportunities: { stage: 1, … } (see model)', () =>
      get('/opportunities/funnel'),
    );
}

async function workbookOf(from: number, count: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户');
  sheet.addRow(['客户名称', '客户类型', '电话', '来源', '标签']);
  for (let i = from; i < from + count; i += 1)
    sheet.addRow([`导入测试工程公司${i}`, '民营企业', `137${String(i).padStart(8, '0')}`, '展会', '导入']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The importer takes at most CUSTOMER_IMPORT_MAX_ROWS rows a file, so N rows go as that many files, one after the other. */
async function measureImport(server: Server, importRows: number) {
  const files: Buffer[] = [];
  for (let i = 0; i < importRows; i += CUSTOMER_IMPORT_MAX_ROWS)
    files.push(await workbookOf(i, Math.min(CUSTOMER_IMPORT_MAX_ROWS, importRows - i)));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const importer = new CustomerImporter(server.container.services.customers);
  let imported = 0;
  let skipped = 0;
  const each: string[] = [];
  for (const file of files) {
    const f = performance.now();
    const report = await importer.run(null, file, { dryRun: false });
    each.push(((performance.now() - f) / 1000).toFixed(1));
    imported += report.imported;
    skipped += report.skipped.length;
  }
  clearInterval(sampler);
  const kb = files.reduce((n, f) => n + f.length, 0) / 1024;
  const mib = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(
    `\nimport of ${importRows} rows as ${files.length} file(s) of ≤ ${CUSTOMER_IMPORT_MAX_ROWS} rows (${kb.toFixed(0)} KB): ` +
      `${((performance.now() - t) / 1000).toFixed(1)} s (per file: ${each.join(', ')} s), imported ${imported}, skipped ${skipped}, ` +
      `peak RSS ${mib(peak)} MiB (+${mib(peak - before)} MiB over the API with its data loaded)`,
  );
}

async function main() {
  const customers = arg('customers', 100_000);
  const opportunities = arg('opportunities', 0);
  const importRows = arg('import-rows', 50_000);
  const depth = arg('depth', 50);
  const reps = arg('reps', 30);
  const tag = crypto.randomBytes(3).toString('hex');
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const uri = base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_crm_${tag}$1`);
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: {
      http: { port: 0 },
      mongodb: { uri: monitoredUri(uri) },
      redis: { keyPrefix: `gantry_bench_crm_${tag}:` },
    },
  });
  const server = await startServer(config, createLogger('warn'));
  const bench = await Bench.open(uri, server.container.conn);
  try {
    const owners = await createStaff(server, tag);
    const ids = await seedCustomers(server, customers, owners);
    if (opportunities > 0) await seedOpportunities(server, opportunities, ids, owners[0]!);
    const get = await apiClient(server, `bench_${tag}`);
    await measureLists(bench, get, { depth, reps, owner: owners[3]!, funnel: opportunities > 0 });
    bench.print(
      `CRM at ${customers} customers, page size 20, ${reps} runs each (2 cores shared with another engineer's benchmarks)`,
    );
    if (importRows > 0) await measureImport(server, importRows);
  } finally {
    await bench.close();
    await server.container.conn.dropDatabase();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
