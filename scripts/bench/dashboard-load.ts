/// <reference lib="dom" />
/**
 * Measurement (not a test): the insights dashboard's first load. Starts the test system (API + H5
 * build + WeChat simulator) on a fresh database, seeds a history straight into the collections the
 * KPIs read, then prints
 *   - the API time of GET /insights/kpis for the dashboard's default window (Node fetch, p50/p95),
 *   - in Chromium, per load: the KPI request as the browser saw it, time to the tiles, time until all
 *     four chart canvases are painted, and the main thread's long tasks (how long it was not interactive).
 *
 *   npm run build:h5 -w client   # once
 *   NODE_ENV=test npx tsx scripts/bench/dashboard-load.ts [--customers 2000] [--loads 3]
 *
 * Opportunities, projects, invoices, ratings and response clocks scale with --customers (3, 0.5, 5,
 * 1 and 2 per customer). The documents carry the fields the KPIs read plus the unique keys; they are
 * bulk-inserted, not created through the API, so seeding 10,000 customers takes seconds, not hours.
 * On the embedded FerretDB v1 every query scans its collection: the figures describe FerretDB.
 */
import { chromium, type Page } from 'playwright-core';
import { Types } from 'mongoose';
import { nameKeyOf, normalizeName, phoneKeysOf } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../../test/support/system';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAY = 86_400_000;
const STAGES = ['intention', 'negotiation', 'quotation', 'signed', 'lost'] as const;
const PROJECT_TYPES = ['residential', 'commercial', 'industrial', 'public'] as const;
const CHARTS = ['funnel-chart', 'aging-chart', 'satisfaction-chart', 'response-chart'];

/** Deterministic spread: the same data on every run. */
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

type Models = TestSystem['server']['container']['models'];

async function insertAll(
  sys: TestSystem,
  model: keyof Models,
  count: number,
  make: (n: number) => Record<string, unknown>,
) {
  const coll = sys.server.container.models[model].collection;
  for (let i = 0; i < count; i += 1000) {
    await coll.insertMany(Array.from({ length: Math.min(1000, count - i) }, (_, k) => make(i + k)));
  }
}

async function seed(sys: TestSystem, customers: number) {
  const t = performance.now();
  const sales: Types.ObjectId[] = [];
  for (let m = 0; m < 5; m += 1) {
    const manager = await sys.seed.staff('sales', { name: `经理${m}` });
    sales.push(new Types.ObjectId(manager.id));
    for (let k = 0; k < 4; k += 1) {
      const member = await sys.seed.staff('sales', { name: `销售${m}-${k}` });
      await sys.server.container.models.staffUsers.updateOne(
        { _id: new Types.ObjectId(member.id) },
        { $set: { managerId: new Types.ObjectId(manager.id) } },
      );
      sales.push(new Types.ObjectId(member.id));
    }
  }
  const customerIds = Array.from({ length: customers }, () => new Types.ObjectId());
  const projectIds = Array.from({ length: Math.ceil(customers / 2) }, () => new Types.ObjectId());
  await insertAll(sys, 'customers', customers, (n) => {
    const name = `看板建设工程有限公司${n}`;
    const phone = `137${String(n).padStart(8, '0')}`;
    return {
      _id: customerIds[n],
      name,
      type: 'private_company',
      phone,
      contacts: [],
      source: 'expo',
      ownerId: pick(sales, n),
      tier: 'regular',
      tags: [],
      autoTags: [],
      notes: '',
      creditDays: 30,
      creditLimit: 0,
      nameKey: nameKeyOf('private_company', name),
      nameSearch: normalizeName(name),
      phoneKeys: phoneKeysOf([phone]),
      createdAt: daysAgo(n % 700),
    };
  });
  await insertAll(sys, 'opportunities', customers * 3, (n) => ({
    customerId: pick(customerIds, n),
    ownerId: pick(sales, n),
    name: `商机${n}`,
    stage: pick(STAGES, n),
    expectedAmount: 1_000_000 + (n % 97) * 10_000,
    stageEnteredAt: daysAgo(n % 60),
    createdAt: daysAgo(n % 365),
  }));
  await insertAll(sys, 'projects', projectIds.length, (n) => {
    const plannedEnd = daysAgo(n % 360);
    return {
      _id: projectIds[n],
      code: `KB${n}`,
      name: `看板项目${n}`,
      type: pick(PROJECT_TYPES, n),
      customerId: customerIds[n * 2],
      status: n % 3 === 0 ? 'active' : 'completed',
      plannedEnd,
      actualEnd: n % 3 === 0 ? null : new Date(plannedEnd.getTime() + ((n % 11) - 3) * DAY),
    };
  });
  await insertAll(sys, 'contracts', customers, (n) => ({
    number: `KB-HT-${n}`,
    customerId: pick(customerIds, n % 7 === 0 ? n + 1 : n),
    projectId: null,
    status: 'active',
    amount: 5_000_000,
    signedDate: daysAgo(n % 720),
  }));
  await insertAll(sys, 'invoices', customers * 5, (n) => ({
    number: `KB-INV-${n}`,
    installmentId: new Types.ObjectId(),
    customerId: pick(customerIds, n),
    amount: 1_000_000 + (n % 50) * 10_000,
    paidAmount: n % 4 === 0 ? 500_000 : 0,
    refundedAmount: 0,
    status: n % 5 === 0 ? 'paid' : n % 4 === 0 ? 'partially_paid' : 'issued',
    issuedAt: daysAgo((n % 200) + 30),
    dueDate: daysAgo((n % 200) - 30),
  }));
  await insertAll(sys, 'ratings', customers, (n) => ({
    subject: 'project',
    subjectId: pick(projectIds, n),
    customerId: customerIds[n],
    projectId: pick(projectIds, n),
    overall: 1 + (n % 5),
    createdAt: daysAgo(n % 365),
  }));
  await insertAll(sys, 'responseClocks', customers * 2, (n) => {
    const openedAt = daysAgo(n % 365);
    const seconds = 600 + (n % 97) * 1800;
    return {
      key: `kb:${n}`,
      customerId: pick(customerIds, n),
      projectId: pick(projectIds, n),
      openedAt,
      answeredAt: n % 13 === 0 ? null : new Date(openedAt.getTime() + seconds * 1000),
      responseSeconds: n % 13 === 0 ? null : seconds,
    };
  });
  console.log(
    `seeded ${customers} customers and their history in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

async function apiTimes(sys: TestSystem, token: string, query: string, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    const res = await fetch(`${sys.baseUrl}/api/v1/insights/kpis?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`kpis: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/** Painted pixels of every chart canvas (0 for a chart not drawn yet). Runs in the page. */
function allChartsPainted(ids: string[]): number | null {
  for (const id of ids) {
    const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return null;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length && painted <= 1000; i += 4) if (data[i]! > 0) painted += 1;
    if (painted <= 1000) return null;
  }
  return performance.now();
}

interface LoadFigures {
  kpiStart: number;
  kpiEnd: number;
  tiles: number;
  charts: number;
  longTaskMs: number;
  longestTaskMs: number;
  clickToChipMs: number;
}

/** One cold navigation to the dashboard; every time in ms from the navigation's start. */
async function measureLoad(page: Page, url: string): Promise<LoadFigures> {
  await page.goto(url);
  const tiles = await page.waitForFunction(
    () => (document.querySelector('#kpi-responseTime-value') ? performance.now() : null),
    null,
    { polling: 'raf', timeout: 600_000 },
  );
  const charts = await page.waitForFunction(allChartsPainted, CHARTS, { polling: 25, timeout: 600_000 });
  const timings = await page.evaluate(() => {
    const kpi = performance.getEntriesByType('resource').find((e) => e.name.includes('/insights/kpis?')) as
      PerformanceResourceTiming | undefined;
    const tasks = (window as unknown as { __longTasks: number[] }).__longTasks;
    return {
      kpiStart: kpi?.startTime ?? NaN,
      kpiEnd: kpi?.responseEnd ?? NaN,
      longTaskMs: tasks.reduce((a, b) => a + b, 0),
      longestTaskMs: Math.max(0, ...tasks),
    };
  });
  // Interactive: a tap on a filter answers (the chip turns active) without waiting for the network.
  // Clicked and timed inside the page, so the figure is the page's own, not the driver's round trips.
  // A string, not a function: tsx would wrap the inner callback in a helper the page does not have.
  const clickToChipMs = (await page.evaluate(`new Promise((resolve) => {
    const t = performance.now();
    document.querySelector('#period-90d').click();
    const check = () => document.querySelector('#period-90d.insights-chip-active')
      ? resolve(performance.now() - t)
      : requestAnimationFrame(check);
    requestAnimationFrame(check);
  })`)) as number;
  // Let the requests that tap started finish, so the next load does not share the server with them.
  await page.waitForLoadState('networkidle', { timeout: 600_000 });
  await page.waitForTimeout(500);
  return {
    ...timings,
    tiles: (await tiles.jsonValue()) as number,
    charts: (await charts.jsonValue()) as number,
    clickToChipMs,
  };
}

async function main() {
  const customers = arg('customers', 2_000);
  const loads = arg('loads', 3);
  const sys = await startTestSystem();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    await seed(sys, customers);
    const admin = await sys.seed.staff('admin', { name: '看板管理员' });
    const token = await sys.loginStaff(admin.username, admin.password);
    const to = new Date();
    const year = `from=${encodeURIComponent(new Date(to.getTime() - 365 * DAY).toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
    const api = await apiTimes(sys, token, year, 5);
    console.log(
      `API GET /insights/kpis (12 months)      p50 ${api.p50.toFixed(0)} ms   p95 ${api.p95.toFixed(0)} ms   (5 runs)`,
    );
    const grouped = await apiTimes(sys, token, `${year}&groupBy=owner`, 3);
    console.log(`API GET /insights/kpis (12 months, by owner) p50 ${grouped.p50.toFixed(0)} ms   (3 runs)`);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await context.addInitScript(() => {
      const tasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    // Sign in once through the login page; the token stays in this context's localStorage.
    const page = await context.newPage();
    await page.goto(`${sys.baseUrl}/#/pages/login/index`);
    await page.locator('taro-button-core#staff-entry').click();
    await page.locator('#username-input input').fill(admin.username);
    await page.locator('#password-input input').fill(admin.password);
    await page.locator('taro-button-core#staff-login').click();
    await page.locator('.home-title').waitFor();
    await page.close();

    console.log('Chromium, cold navigation to the dashboard (ms from navigation start):');
    for (let i = 0; i < loads; i += 1) {
      const tab = await context.newPage();
      const f = await measureLoad(tab, `${sys.baseUrl}/#/pages/insights/index`);
      console.log(
        `  load ${i + 1}: KPI request ${f.kpiStart.toFixed(0)}→${f.kpiEnd.toFixed(0)} (${(f.kpiEnd - f.kpiStart).toFixed(0)} ms)` +
          `   tiles ${f.tiles.toFixed(0)}   charts painted ${f.charts.toFixed(0)}` +
          `   long tasks ${f.longTaskMs.toFixed(0)} ms (longest ${f.longestTaskMs.toFixed(0)})` +
          `   tap→filter ${f.clickToChipMs.toFixed(0)} ms`,
      );
      await tab.close();
    }
    await context.close();
  } finally {
    await browser.close();
    await sys.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
