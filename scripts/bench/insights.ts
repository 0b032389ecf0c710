/**
 * Benchmark (not a test) for the insights KPIs: seeds N customers, 3N opportunities, N/2 projects
 * (half completed in the window), N contracts, 2N invoices, 5N payments, N response clocks and N/2
 * ratings into a fresh database on the embedded server (mongo-java-server), then times each KPI's
 * read through the API's code beside the raw driver doing the same read, and the whole report
 * (GET /api/v1/insights/kpis over HTTP, firm-wide and grouped by owner) beside all raw reads.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27817/gantry_bench_x REDIS_URL=redis://127.0.0.1:6879 \
 *     npx tsx scripts/bench/insights.ts [--scale 100000] [--reps 5]
 *
 * A firm's scale is --scale 100000 (300,000 opportunities, 50,000 projects, 500,000 payments).
 * Seeding goes through the driver (`collection.insertMany`, batches of 2,000), not the API.
 * The embedded server ignores non-unique indexes, so every read here scans its collection; the
 * table names the index each read uses on production MongoDB.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { startServer } from '../../server/src/server';
import { envOverrides, rawDb, timed } from './figures';
import { adminToken, measure } from './insights.reads';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAY_MS = 86_400_000;
const BATCH = 2000;

async function seed(
  label: string,
  total: number,
  insert: (docs: object[]) => Promise<unknown>,
  make: (n: number) => object,
) {
  const t = performance.now();
  for (let i = 0; i < total; i += BATCH)
    await insert(Array.from({ length: Math.min(BATCH, total - i) }, (_, k) => make(i + k)));
  const s = (performance.now() - t) / 1000;
  console.log(
    `seeded ${String(total).padStart(7)} ${label.padEnd(16)} in ${s.toFixed(1)} s (${Math.round(total / s)} docs/s)`,
  );
}

async function main() {
  const n = arg('scale', 10_000);
  const reps = arg('reps', 5);
  const tag = crypto.randomBytes(3).toString('hex');
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: {
      ...envOverrides(),
      http: { port: 0 },
      mongodb: {
        ...base.mongodb,
        connectTimeoutMs: 10_000,
        serverSelectionTimeoutMs: 30_000,
        uri: base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_ins_${tag}$1`),
      },
      redis: { ...base.redis, keyPrefix: `gantry_bench_ins_${tag}:` },
    },
  });
  console.log(
    `scale ${n}: ${n} customers, ${3 * n} opportunities, ${n / 2} projects, ${n} contracts, ${2 * n} invoices, ${5 * n} payments, ${n} response clocks, ${n / 2} ratings`,
  );
  const server = await startServer(config, createLogger('warn'));
  const { container } = server;
  const m = container.models;
  try {
    const now = Date.now();
    const owners = Array.from({ length: 50 }, () => new Types.ObjectId());
    await m.staffUsers.collection.insertMany(
      owners.map((_id, i) => ({
        _id,
        username: `bench_${tag}_${i}`,
        passwordHash: 'x',
        name: `销售${i}`,
        role: 'sales',
        active: true,
        managerId: i % 10 ? owners[i - (i % 10)] : null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    );
    const customers = Array.from({ length: n }, () => new Types.ObjectId());
    const projects = Array.from({ length: n / 2 }, () => new Types.ObjectId());
    const daysAgo = (k: number) => new Date(now - (k % 300) * DAY_MS);
    const cust = (i: number) => customers[i % n]!;
    await seed(
      'customers',
      n,
      (d) => m.customers.collection.insertMany(d),
      (i) => ({
        _id: customers[i],
        name: `客户${i}`,
        type: 'private_company',
        ownerId: owners[i % 50],
        tier: 'regular',
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );
    await seed(
      'opportunities',
      3 * n,
      (d) => m.opportunities.collection.insertMany(d),
      (i) => ({
        customerId: cust(i),
        ownerId: owners[i % 50],
        name: `商机${i}`,
        stage: ['intention', 'negotiation', 'quotation', 'signed', 'lost'][i % 5],
        expectedAmount: 1_000_000 + (i % 97) * 10_000,
        stageEnteredAt: daysAgo(i),
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );
    await seed(
      'projects',
      n / 2,
      (d) => m.projects.collection.insertMany(d),
      (i) => ({
        _id: projects[i],
        code: `B-${tag}-${i}`,
        name: `项目${i}`,
        type: ['residential', 'commercial', 'public', 'industrial', 'renovation'][i % 5],
        customerId: cust(i * 2),
        address: '杭州',
        status: i % 2 ? 'completed' : 'active',
        plannedStart: daysAgo(i + 200),
        plannedEnd: daysAgo(i + 5),
        actualEnd: i % 2 ? daysAgo(i) : null,
        engineerIds: [],
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );
    await seed(
      'contracts',
      n,
      (d) => m.contracts.collection.insertMany(d),
      (i) => ({
        number: `HT-B-${tag}-${i}`,
        customerId: cust((i * 7) % n),
        projectId: null,
        amount: 5_000_000,
        originalAmount: 5_000_000,
        discountBp: 0,
        signedDate: daysAgo(i),
        status: 'active',
        createdBy: 'bench',
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );
    const invoiceIds = Array.from({ length: 2 * n }, () => new Types.ObjectId());
    await seed(
      'invoices',
      2 * n,
      (d) => m.invoices.collection.insertMany(d),
      (i) => ({
        _id: invoiceIds[i],
        number: `INV-B-${tag}-${i}`,
        contractId: new Types.ObjectId(),
        contractNumber: 'HT',
        installmentId: new Types.ObjectId(),
        customerId: cust(i),
        projectId: projects[i % (n / 2)],
        amount: 1_000_000,
        paidAmount: i % 3 ? 1_000_000 : 0,
        refundedAmount: 0,
        status: i % 3 ? 'paid' : 'issued',
        issuedAt: daysAgo(i + 20),
        dueDate: daysAgo(i),
        createdAt: daysAgo(i + 20),
        updatedAt: daysAgo(i),
      }),
    );
    // Money counts through the payment ledger (receivables are rebuilt from it): one entry per paid invoice.
    const paid = invoiceIds.flatMap((id, i) => (i % 3 ? [{ id, i }] : []));
    await seed(
      'ledger entries',
      paid.length,
      (d) => m.paymentLedger.collection.insertMany(d),
      (k) => ({
        key: `payment:bench-${tag}-${k}`,
        kind: 'payment',
        invoiceId: paid[k]!.id,
        paymentId: new Types.ObjectId(),
        refundId: null,
        amount: 1_000_000,
        wechatId: `42${tag}${k}`,
        at: daysAgo(paid[k]!.i + 5),
        createdAt: daysAgo(paid[k]!.i + 5),
      }),
    );
    await seed(
      'payments',
      5 * n,
      (d) => m.payments.collection.insertMany(d),
      (i) => ({
        invoiceId: new Types.ObjectId(),
        customerId: cust(i),
        portalAccountId: new Types.ObjectId(),
        idempotencyKey: `k${i}`,
        amount: 200_000 + (i % 13) * 1000,
        outTradeNo: `P${tag}${i}`,
        status: 'paid',
        payerOpenid: 'o',
        description: '付款',
        paidAt: daysAgo(i),
        refundedAmount: 0,
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );
    await seed(
      'response clocks',
      n,
      (d) => m.responseClocks.collection.insertMany(d),
      (i) => ({
        key: `c-${tag}-${i}`,
        kind: 'complaint',
        projectId: projects[i % (n / 2)],
        customerId: cust(i * 2),
        openedAt: daysAgo(i),
        answeredAt: i % 10 ? daysAgo(i) : null,
        responseSeconds: i % 10 ? 600 + (i % 50) * 3600 : null,
        createdAt: daysAgo(i),
      }),
    );
    await seed(
      'ratings',
      n / 2,
      (d) => m.ratings.collection.insertMany(d),
      (i) => ({
        subject: 'project',
        subjectId: projects[i],
        projectId: projects[i],
        customerId: cust(i * 2),
        overall: 1 + (i % 5),
        quality: 3,
        schedule: 3,
        communication: 3,
        tidiness: 3,
        comment: '',
        by: { id: 'b', name: 'b' },
        editableUntil: daysAgo(i),
        createdAt: daysAgo(i),
        updatedAt: daysAgo(i),
      }),
    );

    const w = { from: new Date(now - 180 * DAY_MS), to: new Date(now), now: new Date(now) };
    const raw = await rawDb(config.mongodb.uri);
    try {
      await measure(m, raw.db, w, reps, server.url, await adminToken(container, server.url, tag));
    } finally {
      await raw.close();
    }
    // Not part of the report; timed once because it reads the 5N payments the report never reads.
    const scan = await timed(1, () => container.services.anomalies.scan(new Date(now))).catch(
      (err: Error) => err,
    );
    console.log(
      `\npayments anomaly scan (5N payments + others), once: ${Array.isArray(scan) ? `${scan[0]!.toFixed(0)} ms` : `failed: ${scan.message}`}`,
    );
  } finally {
    await container.conn.dropDatabase().catch(() => undefined);
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
