/**
 * Benchmark (not a test) for the customer portal: seeds N projects (one customer each), 10·N
 * milestones and 100·N daily-log timeline entries into a fresh database, then prints, for each
 * operation, p50/p95 through the real HTTP API as the customer of one project, beside p50/p95 of
 * the raw driver replaying the same reads on the same server (compare.ts): the project home, the
 * timeline's first page and a deep page (reached with the cursor), and the public share-link read.
 * Target: project home p95 ≤ 100 ms.
 *
 *   npx tsx scripts/bench/projects.ts [--projects 1000] [--reps 30] [--limit 20] [--depth 5]
 *
 * Written for the embedded mongo-java-server (memory backend): it ignores non-unique indexes, so
 * each read scans its collection there and the cost grows with it; the table names the index each
 * read uses on MongoDB.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { milestoneModels } from '../../server/src/modules/projects/milestone.model';
import { startServer } from '../../server/src/server';
import { Bench, monitoredUri } from './compare';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAY_MS = 86_400_000;
const BATCH = 2000;
const HOME_INDEXES =
  'projects _id; site_issues { projectId: 1, status: 1, _id: -1 } (or …customerVisible…); ' +
  'milestones { projectId: 1, seq: 1 }; project_timeline { projectId: 1, customerVisible: 1, _id: -1 }; files _id';
const TIMELINE_INDEX =
  'projects _id; project_timeline { projectId: 1, customerVisible: 1, _id: -1 }; files _id';
const SHARE_INDEXES =
  'project_shares { tokenHash: 1 } unique (kept by this server too); projects _id; ' +
  'milestones { projectId: 1, seq: 1 }; project_timeline { projectId: 1, customerVisible: 1, _id: -1 }; files _id';

/** Inserts `total` generated documents in batches and reports the rate. */
async function seed(
  label: string,
  total: number,
  insert: (docs: object[]) => Promise<unknown>,
  make: (n: number) => object,
) {
  const t = performance.now();
  for (let i = 0; i < total; i += BATCH) {
    await insert(Array.from({ length: Math.min(BATCH, total - i) }, (_, k) => make(i + k)));
    if (i > 0 && i % (BATCH * 25) === 0) console.log(`  ${label}: ${i} / ${total}`);
  }
  const s = (performance.now() - t) / 1000;
  console.log(`seeded ${total} ${label} in ${s.toFixed(1)} s (${Math.round(total / s)} docs/s)`);
}

async function main() {
  const projects = arg('projects', 1_000);
  const reps = arg('reps', 30);
  const limit = arg('limit', 20);
  const depth = arg('depth', 5);
  const tag = crypto.randomBytes(3).toString('hex');
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const uri = base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_bench_proj_${tag}$1`);
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: {
      http: { port: 0 },
      mongodb: { uri: monitoredUri(uri) },
      redis: { keyPrefix: `gantry_bench_proj_${tag}:` },
    },
  });
  console.log(`scale: ${projects} projects, ${projects * 10} milestones, ${projects * 100} timeline entries`);
  const server = await startServer(config, createLogger('warn'));
  const { conn } = server.container;
  const bench = await Bench.open(uri, conn);
  try {
    const projectIds = Array.from({ length: projects }, () => new Types.ObjectId());
    const customerIds = Array.from({ length: projects }, () => new Types.ObjectId());
    const start = Date.parse('2026-01-05T00:00:00Z');
    await seed(
      'projects',
      projects,
      (docs) => conn.collection('projects').insertMany(docs),
      (n) => ({
        _id: projectIds[n],
        code: `B-${n}`,
        name: `基准项目${n}`,
        type: 'residential',
        customerId: customerIds[n],
        opportunityId: null,
        address: `基准路 ${n} 号`,
        pmId: null,
        engineerIds: [],
        status: 'active',
        plannedStart: new Date(start),
        plannedEnd: new Date(start + 300 * DAY_MS),
        actualStart: new Date(start),
        actualEnd: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    const { milestones } = milestoneModels(conn);
    await seed(
      'milestones',
      projects * 10,
      (docs) => milestones.collection.insertMany(docs),
      (n) => {
        const seq = (n % 10) + 1;
        return {
          projectId: projectIds[Math.floor(n / 10)],
          seq,
          name: `节点${seq}`,
          weight: 1,
          status: seq <= 4 ? 'confirmed' : seq === 5 ? 'awaiting_confirmation' : 'pending',
          plannedStart: new Date(start + (seq - 1) * 30 * DAY_MS),
          plannedEnd: new Date(start + seq * 30 * DAY_MS),
          actualStart: null,
          actualEnd: seq <= 4 ? new Date(start + seq * 30 * DAY_MS + 2 * DAY_MS) : null,
          round: seq <= 5 ? 1 : 0,
          submittedAt: null,
          decidedRound: seq <= 4 ? 1 : 0,
          createdAt: new Date(),
          updatedAt: new Date(),
        };
      },
    );
    // Entries interleave projects (as real days do), so a project's entries spread over the collection.
    await seed(
      'timeline entries',
      projects * 100,
      (docs) => conn.collection('project_timeline').insertMany(docs),
      (n) => {
        const project = projectIds[n % projects]!;
        const refId = new Types.ObjectId();
        return {
          key: `daily_log:${String(refId)}`,
          projectId: project,
          kind: 'daily_log',
          refId,
          occurredAt: new Date(start + Math.floor(n / projects) * DAY_MS),
          customerVisible: Math.floor(n / projects) % 5 !== 4,
          title: `施工日志 第${Math.floor(n / projects) + 1}天`,
          summary: '浇筑、砌筑、钢筋绑扎',
          photoIds: n % 3 === 0 ? [new Types.ObjectId()] : [],
          actor: { id: 'bench', name: '基准工程师' },
          createdAt: new Date(),
        };
      },
    );

    const target = Math.floor(projects / 2);
    const account = await server.container.models.portalAccounts.create({
      openid: `o_bench_${tag}`,
      customerId: customerIds[target],
      boundAt: new Date(),
      lastLoginAt: new Date(),
    });
    // A portal session as the WeChat sign-in issues it (the sign-in itself is not what is measured).
    const { token } = await server.container.sessions.create(
      {
        id: String(account._id),
        kind: 'portal',
        role: 'customer',
        name: '基准客户',
        customerId: String(customerIds[target]),
      },
      3600,
    );
    const projectId = String(projectIds[target]);
    const get = async (path: string, auth = true) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        headers: auth ? { authorization: `Bearer ${token}` } : {},
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ nextCursor?: string | null; timeline?: unknown }>;
    };
    let cursor: string | null | undefined;
    let pages = 1;
    for (; pages < depth; pages += 1) {
      const next = (
        await get(`/projects/${projectId}/timeline?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      ).nextCursor;
      if (!next) break;
      cursor = next;
    }
    await bench.measure("customer's project home", reps, HOME_INDEXES, () =>
      get(`/projects/${projectId}/home`),
    );
    await bench.measure(`timeline page 1 (limit ${limit})`, reps, TIMELINE_INDEX, () =>
      get(`/projects/${projectId}/timeline?limit=${limit}`),
    );
    await bench.measure(`timeline page ${pages} (cursor)`, reps, TIMELINE_INDEX, () =>
      get(`/projects/${projectId}/timeline?limit=${limit}&cursor=${cursor}`),
    );
    const share = await fetch(`${server.url}/api/v1/projects/${projectId}/shares`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresInDays: 7 }),
    });
    const { token: shareToken } = (await share.json()) as { token: string };
    await bench.measure('share link read (no account)', reps, SHARE_INDEXES, () =>
      get(`/shared/${shareToken}`, false),
    );
    bench.print(
      `Portal at ${projects} projects, ${projects * 10} milestones, ${projects * 100} timeline entries, ` +
        `${reps} runs each (2 cores shared with another engineer's benchmarks); target: home p95 ≤ 100 ms`,
    );
  } finally {
    await bench.close();
    await conn.dropDatabase();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
