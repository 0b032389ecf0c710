/**
 * Benchmark (not a test): enqueue N notices through the real event → outbox path, then let one and
 * then two outbox worker PROCESSES deliver them to the WeChat simulator, and print the throughput
 * and the time until the outbox is empty. Everything runs on loopback against the FerretDB and
 * Redis that `npm run services start` runs.
 *
 *   npx tsx scripts/bench/outbox-throughput.ts [--notices 10000] [--concurrency 8] [--workers 1,2] [--report-seconds 30]
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { buildContainer, type Container } from '../../server/src/container';
import { deepMerge, loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { startWechatSim, type WechatSim } from '../wechat-sim';
import { spawnOutboxWorker } from '../worker-process';

const TEMPLATE = 'TPL_MILESTONE_AWAITING';
const CUSTOMERS = 100;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function prepare(tag: string, sim: WechatSim) {
  // MONGODB_URI / REDIS_URL in the environment point the benchmark at real MongoDB and Redis.
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const overrides = {
    mongodb: { uri: base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_${tag}$1`) },
    redis: { keyPrefix: `gantry_bench_${tag}:` },
    wechat: { apiBaseUrl: sim.url, wecomBaseUrl: sim.url },
    notifications: { subscribeDailyCap: 1_000_000, leaseSeconds: 30 },
  };
  const config = loadConfig({ env: { ...process.env, NODE_ENV: 'test' }, overrides });
  const container = await buildContainer(config, createLogger('warn'));
  return { config, container, overrides };
}

async function seedCustomers(c: Container, sim: WechatSim, grantsEach: number) {
  const ids: string[] = [];
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const customer = await c.models.customers.create({ name: `基准客户${i}`, type: 'private_company' });
    const openid = `o_bench_${i}`;
    const account = await c.models.portalAccounts.create({
      openid,
      customerId: customer._id,
      lastLoginAt: new Date(),
    });
    await c.models.grants.create({
      accountId: String(account._id),
      templateId: TEMPLATE,
      remaining: grantsEach,
    });
    sim.grantSubscription(openid, TEMPLATE, grantsEach);
    ids.push(String(customer._id));
  }
  return ids;
}

async function enqueue(c: Container, customerIds: string[], events: number, round: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, events - i) }, (_, k) =>
        c.events.publish(
          'milestone.awaiting_confirmation',
          {
            customerId: customerIds[(i + k) % customerIds.length],
            projectName: '基准项目',
            milestoneName: `节点${i + k}`,
            milestoneId: String(new Types.ObjectId()),
            submittedAt: new Date().toISOString(),
          },
          { id: `bench:${round}:${i + k}` },
        ),
      ),
    );
  }
  return performance.now() - started;
}

function startWorker(overrides: object, concurrency: number): ChildProcess {
  return spawnOutboxWorker(
    {},
    deepMerge(overrides as Record<string, unknown>, {
      notifications: { worker: { enabled: true, pollMs: 50, concurrency } },
    }),
  );
}

async function run(
  workers: number,
  concurrency: number,
  totalNotices: number,
  sim: WechatSim,
  reportSeconds: number,
) {
  const tag = `${workers}w_${crypto.randomBytes(3).toString('hex')}`;
  const { container, overrides } = await prepare(tag, sim);
  const events = Math.ceil(totalNotices / 2); // each event: one inbox notice + one subscribe message
  try {
    const customerIds = await seedCustomers(container, sim, Math.ceil(events / CUSTOMERS) + 1);
    const enqueueMs = await enqueue(container, customerIds, events, tag);
    const queued = await container.models.notices.estimatedDocumentCount();
    console.log(`  ${queued} notices in the outbox; starting ${workers} worker process(es)`);
    const sentBefore = sim.messages().length;
    const started = performance.now();
    const children = Array.from({ length: workers }, () => startWorker(overrides, concurrency));
    // The due-queue's size says what is left without scanning the outbox (a scan costs FerretDB dearly).
    let remaining = queued;
    let lastReport = started;
    while (remaining > 0) {
      await new Promise((r) => setTimeout(r, 250));
      remaining = await container.services.outboxQueue.size();
      if (performance.now() - lastReport > reportSeconds * 1000) {
        lastReport = performance.now();
        const secs = (lastReport - started) / 1000;
        console.log(
          `  … ${queued - remaining}/${queued} done after ${secs.toFixed(0)} s (${((queued - remaining) / secs).toFixed(1)}/s)`,
        );
      }
    }
    const seconds = (performance.now() - started) / 1000;
    children.forEach((child) => child.kill('SIGTERM'));
    const sent = sim.messages().length - sentBefore;
    const states = await container.models.notices.aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }]);
    console.log(
      `${workers} worker process(es) × ${concurrency} lanes: ${queued} notices (enqueued in ${(enqueueMs / 1000).toFixed(1)} s), ` +
        `outbox empty after ${seconds.toFixed(1)} s → ${(queued / seconds).toFixed(0)} notices/s, ` +
        `${sent} subscribe messages to the simulator (${(sent / seconds).toFixed(0)}/s); states ${JSON.stringify(states.map((s) => [s._id, s.n]))}`,
    );
  } finally {
    await container.conn.dropDatabase();
    await container.close();
  }
}

async function main() {
  const notices = arg('notices', 10_000);
  const concurrency = arg('concurrency', 8);
  const sim = await startWechatSim({
    appId: 'wxtestgantry00001',
    appSecret: 'test-app-secret-not-for-production',
  });
  try {
    const reportSeconds = arg('report-seconds', 30);
    const i = process.argv.indexOf('--workers');
    const workerCounts =
      i > 0
        ? String(process.argv[i + 1])
            .split(',')
            .map(Number)
        : [1, 2];
    for (const workers of workerCounts) await run(workers, concurrency, notices, sim, reportSeconds);
  } finally {
    await sim.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
