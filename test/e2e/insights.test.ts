import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import {
  complaint,
  day,
  must,
  portalCustomer,
  project,
  rateProject,
  signedContract,
  staffMember,
} from '../support/insights-cast';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * The managers' dashboard in the H5 build: a history seeded through the API, an admin opens the
 * dashboard, every tile reads what the API computed (and what we worked out by hand), the four
 * charts are drawn, grouping by owner shows the owners, and both tables download as valid .xlsx.
 */
jest.setTimeout(150_000);

const h5 = useBrowser({ screenshotSettleMs: 600 });
const { button, input, expectText, screenshot } = h5;

/** Pixels of a canvas that are not transparent: an empty or failed chart has none. Runs in the page. */
function paintedPixels(selector: string): number {
  const canvas = document.querySelector<HTMLCanvasElement>(selector);
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx || canvas.width === 0 || canvas.height === 0) return 0;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
  return painted;
}

const CHARTS = ['funnel-chart', 'aging-chart', 'satisfaction-chart', 'response-chart'];

async function expectChartsDrawn(page: Page): Promise<void> {
  for (const id of CHARTS) {
    const selector = `#${id} canvas`;
    await page.waitForFunction(`(${paintedPixels.toString()})('${selector}') > 1000`, null, {
      timeout: UI_TIMEOUT,
    });
  }
}

/** How the page writes each figure (services/insights.ts), applied to the API's numbers. */
const hours = (s: number | null) =>
  s === null ? '—' : `${(Math.round((s / 3600) * 10) / 10).toFixed(1)} 小时`;
const share = (v: number | null) => (v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);
const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

async function tile(page: Page, key: string): Promise<string> {
  return (await page.locator(`#kpi-${key}-value`).textContent())?.trim() ?? '';
}

async function downloadXlsx(page: Page, buttonId: string): Promise<ExcelJS.Workbook> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: UI_TIMEOUT }),
    button(buttonId).click(),
  ]);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a zip container, as every .xlsx is
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/**
 * 甲 (owner 李娜): contracts ¥10,000 signed 400 days ago and ¥20,000 40 days ago, both due today
 * (invoices are due from approval, so nothing seeded through the API is past due yet); project planned to end 3 days ago, completed today; complaint
 * answered after 2 h; rated 5. 乙 (owner 王强): ¥30,000 signed 5 days ago due in 60 (not yet due);
 * project planned to end in 5 days, completed today; complaint answered after 10 h; rated 3.
 */
async function seedHistory() {
  const sys = h5.system;
  const admin = await sys.seed.staff('admin', {
    username: 'e2e.ins.admin',
    password: 'Passw0rd!ins',
    name: '周敏',
  });
  const adminToken = await sys.loginStaff(admin.username, admin.password);
  const finance = await staffMember(sys, 'finance', '财务王芳');
  const pm = await staffMember(sys, 'pm', '张伟');
  const lina = await staffMember(sys, 'sales', '李娜');
  const wang = await staffMember(sys, 'sales', '王强');
  const jia = await portalCustomer(sys, lina.id, '甲建设有限公司');
  const yi = await portalCustomer(sys, wang.id, '乙置业有限公司');
  const pJia = await project(sys, adminToken, {
    customerId: jia.id,
    type: 'residential',
    plannedEnd: day(-3),
    pmId: pm.id,
    complete: true,
  });
  const pYi = await project(sys, adminToken, {
    customerId: yi.id,
    type: 'commercial',
    plannedEnd: day(5),
    pmId: pm.id,
    complete: true,
  });
  await complaint(sys, adminToken, { projectId: pJia, hoursAgo: 2, answer: true });
  await complaint(sys, adminToken, { projectId: pYi, hoursAgo: 10, answer: true });
  const asLina = { owner: lina.token, finance: finance.token };
  await signedContract(sys, asLina, {
    customerId: jia.id,
    amount: 1_000_000,
    signedDate: day(-400),
    dueDays: 0,
  });
  await signedContract(sys, asLina, {
    customerId: jia.id,
    amount: 2_000_000,
    signedDate: day(-40),
    dueDays: 0,
  });
  await signedContract(
    sys,
    { owner: wang.token, finance: finance.token },
    { customerId: yi.id, amount: 3_000_000, signedDate: day(-5), dueDays: 60 },
  );
  await rateProject(sys, jia.token, pJia, 5);
  await rateProject(sys, yi.token, pYi, 3);
  for (const [name, amount] of [
    ['甲·二期扩建', 8_000_000],
    ['甲·办公楼装修', 2_000_000],
  ] as const) {
    must(
      await sys.api.post(
        '/api/v1/opportunities',
        { customerId: jia.id, name, expectedAmount: amount },
        lina.token,
      ),
      201,
      'opportunity',
    );
  }
  return { admin, lina, wang };
}

it('shows the KPI tiles the API computed, draws every chart, groups by owner and exports both tables', async () => {
  const { admin, lina, wang } = await seedHistory();
  const page = h5.page;

  await page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await button('staff-entry').click({ timeout: UI_TIMEOUT });
  await input('username-input').fill(admin.username);
  await input('password-input').fill(admin.password);
  await button('staff-login').click();
  await expectText(page.locator('.home-title'), '管理后台');

  // The first KPI request is the page's own window; the second, a moment later, the previous one.
  const kpis = page.waitForResponse((res) => res.url().includes('/api/v1/insights/kpis?'));
  await page.locator('#insights-entry').click();
  const response = await kpis;
  expect(response.status()).toBe(200);
  const report = (await response.json()) as any;
  const overall = report.overall;
  await expectText(page.locator('#insights-scope'), '全公司');

  // Tiles equal the API's figures, which equal the hand-worked ones.
  await page.locator('#kpi-responseTime-value').waitFor({ timeout: UI_TIMEOUT });
  expect(await tile(page, 'responseTime')).toBe(hours(overall.responseTime.medianSeconds));
  expect(await tile(page, 'responseTime')).toBe('6.0 小时'); // median of 2 h and 10 h
  expect(await tile(page, 'repeatCustomers')).toBe(share(overall.repeatCustomers.rate));
  expect(await tile(page, 'repeatCustomers')).toBe('50.0%'); // 甲 signed again, 乙 once
  expect(await tile(page, 'projectDuration')).toBe(`${overall.projectDuration.avgDaysOver.toFixed(1)} 天`);
  expect(await tile(page, 'projectDuration')).toBe('1.5 天'); // (3 + 0) / 2
  expect(await tile(page, 'satisfaction')).toBe(`${overall.satisfaction.average.toFixed(2)} 分`);
  expect(await tile(page, 'satisfaction')).toBe('4.00 分');
  expect(await tile(page, 'overdue')).toBe(yuan(overall.receivables.overdueAmount));
  expect(await tile(page, 'overdue')).toBe('¥0.00');
  await expectText(page.locator('#kpi-overdue'), '应收合计 ¥60,000.00（3 张）');
  await expectText(page.locator('#aging-d0_30'), '¥30,000.00 · 2 张'); // due today
  await expectText(page.locator('#aging-current'), '¥30,000.00 · 1 张'); // 乙, due in 60 days
  // Trend arrows arrive with the previous window's report.
  await page.locator('#kpi-satisfaction-trend').waitFor({ timeout: UI_TIMEOUT });

  await expectChartsDrawn(page);
  await screenshot('insights-dashboard');

  // Grouped by owner: one row per salesperson; picking one puts their figures in the tiles.
  await page.locator('#group-by-owner').click();
  await expectText(page.locator(`#group-row-${lina.id}`), '李娜');
  await expectText(page.locator(`#group-row-${wang.id}`), '王强');
  await page.locator(`#group-${wang.id}`).click();
  await expectText(page.locator('#kpi-satisfaction-value'), '3.00 分');
  await expectText(page.locator('#kpi-overdue'), '应收合计 ¥30,000.00（1 张）');
  await expectText(page.locator('#kpi-projectDuration-value'), '0.0 天');
  await screenshot('insights-by-owner');

  const aging = await downloadXlsx(page, 'export-aging');
  const agingRows = aging.getWorksheet('应收账龄')!.getSheetValues().slice(2) as unknown[][];
  const amounts = Object.fromEntries(agingRows.map((r) => [String(r[1]), Number(r[3])]));
  expect(Object.values(amounts).sort((a, b) => a - b)).toEqual([0, 0, 0, 30_000, 30_000]);

  const all = await downloadXlsx(page, 'export-kpis');
  const figures = all.getWorksheet('指标')!;
  expect(figures.rowCount).toBe(1 + 1 + 2); // header, 全部, the two owners
  expect(all.getWorksheet('销售漏斗')).toBeDefined();

  // Two customers are no history to fit a churn model on: the page says so instead of a number.
  await page.locator('#churn-link').click();
  await expectText(page.locator('#churn-model'), '暂无可靠的流失概率');

  // Back on the dashboard (still 王强's figures), a tile lists the records it counts: his one rating.
  await page.goBack();
  await page.locator('#kpi-satisfaction').click();
  await expectText(page.locator('#records-total'), '共 1 条记录');
  await expectText(page.locator('[id^="record-"]'), '3 星');
});
