/**
 * Benchmark (not a test) for the CRM: seeds customers and opportunities into a fresh database, then
 * prints, through the real HTTP API: customer list p50/p95 for page 1 and for a page deep in the
 * list (cursor pagination should make them about equal), search latency by name and by phone, the
 * funnel's time, and the time and peak memory of importing a workbook of N rows.
 *
 *   npx tsx scripts/bench/crm.ts [--customers 100000] [--opportunities 300000] [--import-rows 50000] [--depth 50]
 *
 * On the embedded FerretDB v1 every query reads whole collections (README, "FerretDB v1 and
 * concurrency"), so figures there describe FerretDB; point MONGODB_URI at MongoDB for real ones.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { nameKeyOf, normalizeName, phoneKeysOf } from '@gantry/shared';
import { loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { CustomerImporter } from '../../server/src/modules/crm/customer-import';
import { startServer } from '../../server/src/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STAGES = ['intention', 'negotiation', 'quotation', 'signed', 'lost'] as const;
const SOURCES = ['online_ad', 'expo', 'referral', 'website', 'other'] as const;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(label: string, reps: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(1)} ms   p95 ${percentile(times, 95).toFixed(1)} ms   (${reps} runs)`,
  );
}

async function main() {
  const customers = arg('customers', 100_000);
  const opportunities = arg('opportunities', 300_000);
  const importRows = arg('import-rows', 50_000);
  const depth = arg('depth', 50);
  const tag = crypto.randomBytes(3).toString('hex');
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: {
      http: { port: 0 },
      mongodb: { uri: base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_crm_${tag}$1`) },
      redis: { keyPrefix: `gantry_bench_crm_${tag}:` },
    },
  });
  const server = await startServer(config, createLogger('warn'));
  const { models, services } = server.container;
  try {
    const sales = await services.staffAdmin.create(null, {
      username: `bench_${tag}`,
      password: 'Bench-pass-1',
      name: '基准销售',
      role: 'sales',
    });
    const owner = new Types.ObjectId(sales.id);
    let t = performance.now();
    const ids: Types.ObjectId[] = [];
    for (let i = 0; i < customers; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, customers - i) }, (_, k) => {
        const n = i + k;
        const name = `基准建设工程有限公司${n}`;
        const phone = `139${String(n).padStart(8, '0')}`;
        const _id = new Types.ObjectId();
        ids.push(_id);
        return {
          _id,
          name,
          type: 'private_company',
          phone,
          contacts: [],
          source: SOURCES[n % SOURCES.length],
          ownerId: owner,
          tier: 'regular',
          tags: [],
          autoTags: [],
          notes: '',
          creditDays: 30,
          creditLimit: 0,
          nameKey: nameKeyOf('private_company', name),
          nameSearch: normalizeName(name),
          phoneKeys: phoneKeysOf([phone]),
        };
      });
      await models.customers.insertMany(batch, { ordered: false });
    }
    console.log(`seeded ${customers} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    for (let i = 0; i < opportunities; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, opportunities - i) }, (_, k) => {
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
    console.log(`seeded ${opportunities} opportunities in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const login = await fetch(`${server.url}/api/v1/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `bench_${tag}`, password: 'Bench-pass-1' }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const get = async (path: string) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ nextCursor?: string | null }>;
    };
    let cursor: string | null | undefined;
    for (let page = 0; page < depth; page += 1)
      cursor = (await get(`/customers?limit=20${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    await timed('customer list, page 1', 20, () => get('/customers?limit=20'));
    await timed(`customer list, page ${depth + 1} (cursor)`, 20, () =>
      get(`/customers?limit=20&cursor=${cursor}`),
    );
    await timed('search by name', 10, () =>
      get(`/customers?limit=20&q=${encodeURIComponent('有限公司4242')}`),
    );
    await timed('search by phone prefix', 10, () => get('/customers?limit=20&q=1390000424'));
    await timed('funnel', 3, () => get('/opportunities/funnel'));

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', '客户类型', '电话', '来源', '标签']);
    for (let i = 0; i < importRows; i += 1)
      sheet.addRow([`导入测试工程公司${i}`, '民营企业', `137${String(i).padStart(8, '0')}`, '展会', '导入']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const before = process.memoryUsage().rss;
    t = performance.now();
    const report = await new CustomerImporter(services.customers).run(null, file, { dryRun: false });
    clearInterval(sampler);
    console.log(
      `import of ${importRows} rows (${(file.length / 1024).toFixed(0)} KB): ${((performance.now() - t) / 1000).toFixed(1)} s, ` +
        `imported ${report.imported}, skipped ${report.skipped.length}, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (+${((peak - before) / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    await server.container.conn.dropDatabase();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
