/**
 * The reads behind the KPI report, each timed through the API's own code (mongoose, as
 * `loadKpiData` and `openInvoicesAt` issue them) and through the raw driver with the same filter and
 * projection, then the whole report over HTTP beside all raw reads in parallel.
 */
import type { Db, Document } from 'mongodb';
import type { Model } from 'mongoose';
import { INVOICE_STATUSES } from '@gantry/shared';
import type { buildContainer } from '../../server/src/container';
import { openInvoicesAt } from '../../server/src/modules/contracts/receivables';
import { loadKpiData } from '../../server/src/modules/insights/kpi.data';
import { printTable, timed, type Row } from './figures';

type Container = Awaited<ReturnType<typeof buildContainer>>;
type Models = Container['models'];
type Window = { from: Date; to: Date; now: Date };

interface Read {
  op: string;
  model: Model<any>;
  filter: Document;
  projection: Document;
  index: string;
}

function reads(m: Models, w: Window): Read[] {
  const win = { $gte: w.from, $lt: w.to };
  return [
    {
      op: 'response time (response_clocks)',
      model: m.responseClocks,
      filter: { openedAt: win },
      projection: { customerId: 1, projectId: 1, openedAt: 1, answeredAt: 1, responseSeconds: 1 },
      index: 'openedAt_1 (range)',
    },
    {
      op: 'repeat customers (contracts)',
      model: m.contracts,
      filter: { status: 'active', signedDate: { $lt: w.to } },
      projection: { customerId: 1, projectId: 1, signedDate: 1 },
      index: 'status_1__id_-1 (status equality; signedDate filtered on fetch)',
    },
    {
      op: 'duration vs plan (projects)',
      model: m.projects,
      filter: {},
      projection: { type: 1, customerId: 1, plannedEnd: 1, actualEnd: 1, status: 1 },
      index: 'none: whole collection by design (COLLSCAN)',
    },
    {
      op: 'satisfaction (ratings)',
      model: m.ratings,
      filter: { createdAt: win },
      projection: { customerId: 1, projectId: 1, overall: 1, createdAt: 1 },
      index: 'none matches: customerId_1_createdAt_-1 needs customerId; add createdAt_1',
    },
    {
      op: 'receivables: issued invoices',
      model: m.invoices,
      filter: { status: { $in: INVOICE_STATUSES.filter((s) => s !== 'draft') }, issuedAt: { $lt: w.to } },
      projection: { customerId: 1, projectId: 1, amount: 1, status: 1, dueDate: 1, issuedAt: 1, voidedAt: 1 },
      index: 'status_1_dueDate_1 ($in on status; every non-draft invoice)',
    },
    {
      op: 'receivables: ledger (> 500 ids, so no $in)',
      model: m.paymentLedger,
      filter: { at: { $lt: w.to } },
      projection: { invoiceId: 1, kind: 1, amount: 1 },
      index: 'at_1 (range; the whole ledger up to the window end)',
    },
    {
      op: 'funnel (opportunities)',
      model: m.opportunities,
      filter: { createdAt: win },
      projection: { customerId: 1, stage: 1, expectedAmount: 1, createdAt: 1 },
      index: 'createdAt_1 (range)',
    },
    {
      op: 'group keys (customers)',
      model: m.customers,
      filter: {},
      projection: { name: 1, ownerId: 1 },
      index: 'none: whole collection by design (COLLSCAN)',
    },
    {
      op: 'group keys (staff_users)',
      model: m.staffUsers,
      filter: {},
      projection: { name: 1, managerId: 1 },
      index: 'none: whole collection (small)',
    },
  ];
}

const rawRead = (db: Db, r: Read) =>
  db.collection(r.model.collection.collectionName).find(r.filter, { projection: r.projection }).toArray();

async function kpisOverHttp(base: string, token: string, w: Window, groupBy?: string) {
  const q = new URLSearchParams({ from: w.from.toISOString(), to: w.to.toISOString() });
  if (groupBy) q.set('groupBy', groupBy);
  const res = await fetch(`${base}/api/v1/insights/kpis?${q}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`GET /insights/kpis: ${res.status} ${await res.text()}`);
  await res.json();
}

/** Times every read and the report; prints one table. */
export async function measure(m: Models, db: Db, w: Window, reps: number, base: string, token: string) {
  const rows: Row[] = [];
  const all = reads(m, w);
  for (const r of all)
    rows.push({
      op: r.op,
      api: await timed(reps, () => r.model.find(r.filter, r.projection).lean()),
      raw: await timed(reps, () => rawRead(db, r)),
      index: r.index,
    });
  const allRaw = () => Promise.all(all.map((r) => rawRead(db, r)));
  rows.push({
    op: 'receivables (openInvoicesAt) vs its 2 raw reads',
    api: await timed(reps, () => openInvoicesAt(m, w.to)),
    raw: await timed(reps, async () => {
      for (const r of all.filter((x) => x.op.startsWith('receivables:'))) await rawRead(db, r);
    }),
    index: 'as the two rows above, one after the other',
  });
  rows.push({
    op: 'all reads (loadKpiData, parallel)',
    api: await timed(reps, () => loadKpiData(m, w, { kind: 'firm' })),
    raw: await timed(reps, allRaw),
    index: 'as above',
  });
  for (const groupBy of [undefined, 'owner'])
    rows.push({
      op: `GET /insights/kpis${groupBy ? '?groupBy=owner' : ' (firm)'} over HTTP`,
      api: await timed(reps, () => kpisOverHttp(base, token, w, groupBy)),
      raw: await timed(reps, allRaw),
      index: 'as above (target p95 <= 2000 ms)',
    });
  printTable(`KPI reads and report, ${reps} runs each (ms):`, rows);
}

/** A real admin signed in through the real endpoint. */
export async function adminToken(container: Container, base: string, tag: string) {
  const username = `bench_admin_${tag}`;
  const password = 'Bench@2026-admin';
  await container.services.staffAdmin.create(null, { username, password, name: '基准管理员', role: 'admin' });
  const res = await fetch(`${base}/api/v1/auth/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
