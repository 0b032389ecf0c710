/**
 * Benchmark (not a test): reconcile a generated 100,000-line WeChat Pay trade bill against 100,000
 * payments with the real ReconciliationService (SHA1 check, streaming parse, matching, discrepancy
 * writes) on the embedded server (mongo-java-server) and Redis, and print the time and the peak
 * memory (RSS and heap, sampled every 20 ms, beside the baseline before the run). The service runs
 * in this process, so its RSS is the API process's. Beside each day read, and beside the whole run,
 * the raw driver does the same reads (filter, projection) on the same server.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27817/gantry_bench_x REDIS_URL=redis://127.0.0.1:6879 \
 *     node --expose-gc --import tsx scripts/bench/reconciliation.ts [--lines 100000] [--discrepancies 300] [--reps 3]
 *
 * The bill is read from a local file instead of WeChat's download URL (the HTTP part is the same
 * stream either way); everything after the download is the production path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { fenToYuan } from '@gantry/shared';
import { buildContainer } from '../../server/src/container';
import { loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { RedisLock } from '../../server/src/core/redis-lock';
import { ReconciliationService } from '../../server/src/modules/reconciliation/reconciliation.service';
import type { TradeBillSource } from '../../server/src/modules/reconciliation/trade-bill.source';
import { envOverrides, printTable, rawDb, timed, type Row } from './figures';
import { dayReads } from './reconciliation.reads';

const DAY = '2026-01-15';
const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const outTradeNo = (i: number) => `BENCH${String(i).padStart(8, '0')}`;
const amountOf = (i: number) => 1 + ((i * 7919) % 5_000_000);
const paidAtOf = (i: number, n: number) =>
  new Date(Date.parse(`${DAY}T00:00:00+08:00`) + Math.floor((i * 86_000_000) / n));

/** The bill: every payment but the last `skip` (missing in the bill), `skip` extra lines (missing on our side), `skip` altered amounts. */
async function writeBill(file: string, n: number, skip: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(`${s}\r\n`)) await once(out, 'drain');
  };
  const line = (f: Array<string | number>) => f.map((x) => `\`${x}`).join(',');
  await write(HEADER);
  let total = 0;
  let count = 0;
  const row = async (no: string, fen: number, at: Date) => {
    total += fen;
    count += 1;
    const cst = new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    const yuan = fenToYuan(fen);
    await write(
      line([
        cst,
        'wxbench',
        '1900000001',
        '0',
        '',
        `4200${no}`,
        no,
        'o_bench',
        'JSAPI',
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '工程款',
        '',
        '0.00',
        '0.60%',
        yuan,
        '0.00',
        '',
      ]),
    );
  };
  for (let i = 0; i < n - skip; i += 1)
    await row(outTradeNo(i), amountOf(i) + (i % 1000 === 1 && i / 1000 < skip ? 1 : 0), paidAtOf(i, n));
  for (let i = 0; i < skip; i += 1) await row(`EXTRA${i}`, 100, paidAtOf(i, n));
  await write(SUMMARY_HEADER);
  await write(line([count, fenToYuan(total), '0.00', '0.00', '0.00', fenToYuan(total), '0.00']));
  out.end();
  await once(out, 'finish');
}

function fileSource(file: string): TradeBillSource {
  return {
    locate: async () => ({
      hashType: 'SHA1',
      hashValue: createHash('sha1').update(readFileSync(file)).digest('hex'),
      downloadUrl: `file://${file}`,
    }),
    open: async () => createReadStream(file),
  };
}

async function main() {
  const n = arg('lines', 100_000);
  const skip = Math.floor(arg('discrepancies', 300) / 3);
  const tag = randomBytes(4).toString('hex');
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: {
      ...envOverrides(),
      mongodb: {
        ...base.mongodb,
        connectTimeoutMs: 10_000,
        serverSelectionTimeoutMs: 30_000,
        uri: base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_rec_${tag}$1`),
      },
      redis: { ...base.redis, keyPrefix: `gantry_bench_rec_${tag}:` },
      scheduler: { enabled: false },
      notifications: { worker: { enabled: false, pollMs: 1000, concurrency: 1 } },
    },
  });
  const c = await buildContainer(config, createLogger('info'));
  const dir = await mkdtemp(join(tmpdir(), 'bench-bill-'));
  try {
    const file = join(dir, 'bill.csv');
    let t = Date.now();
    await writeBill(file, n, skip);
    console.log(`bill: ${n} lines written in ${Date.now() - t} ms`);

    t = Date.now();
    const invoiceId = new Types.ObjectId();
    for (let from = 0; from < n; from += 5000) {
      const docs = [];
      for (let i = from; i < Math.min(n, from + 5000); i += 1)
        docs.push({
          invoiceId,
          customerId: invoiceId,
          portalAccountId: invoiceId,
          idempotencyKey: `bench-${i}`,
          amount: amountOf(i),
          outTradeNo: outTradeNo(i),
          status: 'paid',
          payerOpenid: 'o_bench',
          description: '工程款',
          transactionId: `4200${outTradeNo(i)}`,
          paidAt: paidAtOf(i, n),
        });
      await c.models.payments.insertMany(docs, { ordered: false });
    }
    console.log(`payments: ${n} inserted in ${Date.now() - t} ms`);

    const service = new ReconciliationService({
      reconciliations: c.models.reconciliations,
      discrepancies: c.models.discrepancies,
      payments: c.models.payments,
      refunds: c.models.refunds,
      paymentLedger: c.models.paymentLedger,
      source: fileSource(file),
      lock: new RedisLock(c.redis),
      audit: c.audit,
      logger: c.logger,
    });
    global.gc?.();
    const baseline = process.memoryUsage();
    const peak = { rss: baseline.rss, heap: baseline.heapUsed };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
    }, 20);
    t = Date.now();
    const report = await service.run(DAY, null);
    const ms = Date.now() - t;
    clearInterval(sampler);
    console.log(`reconcile: ${ms} ms (${Math.round((n / ms) * 1000)} lines/s)`);
    console.log(`counts: ${JSON.stringify(report.counts)}`);
    console.log(
      `memory: baseline rss ${mb(baseline.rss)} heap ${mb(baseline.heapUsed)}; peak rss ${mb(peak.rss)} heap ${mb(peak.heap)}`,
    );
    const reps = arg('reps', 3);
    const runs = [ms];
    for (let i = 1; i < reps; i += 1) runs.push(...(await timed(1, () => service.run(DAY, null))));
    const again = await c.models.reconciliations.findOne({ _id: report.id }, { runs: 1 }).lean();
    console.log(
      `re-runs: ${runs
        .slice(1)
        .map((x) => x.toFixed(0))
        .join(', ')} ms; same report, runs ${again?.runs}`,
    );
    const raw = await rawDb(config.mongodb.uri);
    try {
      const rows: Row[] = [];
      const reads = dayReads(c.models, new Date(`${DAY}T00:00:00+08:00`));
      for (const r of reads)
        rows.push({
          op: r.op,
          api: await timed(reps, r.api),
          raw: await timed(reps, () => r.raw(raw.db)),
          index: r.index,
        });
      rows.push({
        op: `ReconciliationService.run, ${n} lines (target <= 10000)`,
        api: runs,
        raw: await timed(reps, async () => {
          for (const r of reads) await r.raw(raw.db);
        }),
        index: 'the day reads above, then discrepancy writes',
      });
      printTable(`Reconciliation of a ${n}-line bill, ${reps} runs (ms):`, rows);
    } finally {
      await raw.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await c.conn.dropDatabase().catch(() => undefined);
    await c.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
