import ExcelJS from 'exceljs';
import { APPROVAL_CONFIG } from '../support/contract-cast';
import {
  DAY_MS,
  complaint,
  day,
  must,
  portalCustomer,
  project,
  rateProject,
  reportsTo,
  signedContract,
  staffMember,
  type Signed,
} from '../support/insights-cast';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * A known history built through the API, every KPI checked against numbers worked out by hand.
 *
 * Owners: 李娜 (reports to 赵经理) owns 甲 and 乙; 王强 (no manager) owns 丙.
 * Window: [today − 60 days, today + 50 days); receivables are aged as of the window end.
 *
 *   complaints answered after 2 h (甲), 10 h (乙), 30 h (丙); one more on 甲 unanswered
 *   contracts  甲: ¥10,000 signed 400 days ago (due at once) + ¥20,000 10 days ago (due in 30)
 *              乙: ¥30,000 5 days ago (due in 60)
 *              丙: ¥5,000 20 days ago (due at once) + ¥7,000 3 days ago (due in 45)
 *   projects completed today: 甲 planned to end in 5 days, 乙 3 days ago, 丙 10 days ago
 *   ratings   甲 5, 乙 4, 丙 2 stars
 */
describe('insights KPIs', () => {
  let sys: TestSystem;
  let admin: Signed;
  let manager: Signed;
  let lina: Signed;
  let wang: Signed;
  const invoiceIds: string[] = [];
  const from = new Date(Date.now() - 60 * DAY_MS).toISOString();
  const to = new Date(Date.now() + 50 * DAY_MS).toISOString();
  const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  beforeAll(async () => {
    sys = await startTestSystem({ overrides: APPROVAL_CONFIG });
    admin = await staffMember(sys, 'admin', '周敏');
    const finance = await staffMember(sys, 'finance', '财务王芳');
    const pm = await staffMember(sys, 'pm', '张伟');
    manager = await staffMember(sys, 'sales', '赵经理');
    lina = await staffMember(sys, 'sales', '李娜');
    wang = await staffMember(sys, 'sales', '王强');
    await reportsTo(sys, lina.id, manager.id);

    const jia = await portalCustomer(sys, lina.id, '甲公司');
    const yi = await portalCustomer(sys, lina.id, '乙公司');
    const bing = await portalCustomer(sys, wang.id, '丙公司');
    const p = {
      jia: await project(sys, admin.token, {
        customerId: jia.id,
        type: 'residential',
        plannedEnd: day(5),
        pmId: pm.id,
        complete: true,
      }),
      yi: await project(sys, admin.token, {
        customerId: yi.id,
        type: 'commercial',
        plannedEnd: day(-3),
        pmId: pm.id,
        complete: true,
      }),
      bing: await project(sys, admin.token, {
        customerId: bing.id,
        type: 'residential',
        plannedEnd: day(-10),
        pmId: pm.id,
        complete: true,
      }),
    };
    await complaint(sys, admin.token, { projectId: p.jia, hoursAgo: 2, answer: true });
    await complaint(sys, admin.token, { projectId: p.yi, hoursAgo: 10, answer: true });
    await complaint(sys, admin.token, { projectId: p.bing, hoursAgo: 30, answer: true });
    await complaint(sys, admin.token, { projectId: p.jia, hoursAgo: 1, answer: false });

    const asLina = { owner: lina.token, finance: finance.token };
    const asWang = { owner: wang.token, finance: finance.token };
    await signedContract(sys, asLina, {
      customerId: jia.id,
      amount: 1_000_000,
      signedDate: day(-400),
      dueDays: 0,
    });
    await signedContract(sys, asLina, {
      customerId: jia.id,
      amount: 2_000_000,
      signedDate: day(-10),
      dueDays: 30,
    });
    await signedContract(sys, asLina, {
      customerId: yi.id,
      amount: 3_000_000,
      signedDate: day(-5),
      dueDays: 60,
    });
    await signedContract(sys, asWang, {
      customerId: bing.id,
      amount: 500_000,
      signedDate: day(-20),
      dueDays: 0,
    });
    await signedContract(sys, asWang, {
      customerId: bing.id,
      amount: 700_000,
      signedDate: day(-3),
      dueDays: 45,
    });
    const invoices = must<any>(
      await sys.api.get('/api/v1/invoices?limit=100', finance.token),
      200,
      'invoices',
    );
    invoiceIds.push(...invoices.items.map((i: { id: string }) => i.id));

    await rateProject(sys, jia.token, p.jia, 5);
    await rateProject(sys, yi.token, p.yi, 4);
    await rateProject(sys, bing.token, p.bing, 2);
    for (const [name, amount] of [
      ['扩建', 100_000],
      ['装修', 250_000],
    ] as const)
      must(
        await sys.api.post(
          '/api/v1/opportunities',
          { customerId: jia.id, name, expectedAmount: amount },
          lina.token,
        ),
        201,
        'opp',
      );
  }, 120_000);

  afterAll(() => sys?.close());

  const near = (actual: number | null, hours: number) => {
    expect(actual).not.toBeNull();
    // The clock stops when the acknowledgement lands, a moment after the hours chosen here.
    expect(Math.abs(actual! - hours * 3600)).toBeLessThan(120);
  };

  it('computes every firm-wide figure as worked out by hand, each with its count and link', async () => {
    const r = must<any>(await sys.api.get(`/api/v1/insights/kpis?${q}`, admin.token), 200, 'kpis');
    expect(r.scope).toBe('firm');
    const o = r.overall;
    // 2 h, 10 h, 30 h: mean 14 h, median 10 h, p90 = sorted[ceil(2.7) − 1] = 30 h.
    expect(o.responseTime.count).toBe(3);
    expect(o.responseTime.unanswered).toBe(1);
    near(o.responseTime.avgSeconds, 14);
    near(o.responseTime.medianSeconds, 10);
    near(o.responseTime.p90Seconds, 30);
    // Signed in the window: 甲 (its 2nd), 乙 (1st), 丙 (1st and 2nd both in the window) → 2 of 3.
    expect(o.repeatCustomers).toMatchObject({ count: 3, repeat: 2, rate: 0.6667 });
    // Days over: −5, 3, 10 → mean of max(0, ·) = 13 / 3 = 4.3; on time 1 of 3.
    expect(o.projectDuration).toMatchObject({ count: 3, avgDaysOver: 4.3, onTime: 1, onTimeShare: 0.3333 });
    // (5 + 4 + 2) / 3 = 3.67
    expect(o.satisfaction).toMatchObject({ count: 3, average: 3.67 });
    // As of today + 50: ¥10,000 and ¥5,000 are 50 days past due, ¥20,000 20 days, ¥7,000 5 days, ¥30,000 not due.
    expect(o.receivables).toMatchObject({
      count: 5,
      openAmount: 7_200_000,
      overdueAmount: 4_200_000,
      overdueCount: 4,
    });
    const aging = Object.fromEntries(o.receivables.aging.map((a: any) => [a.bucket, [a.amount, a.count]]));
    expect(aging).toEqual({
      current: [3_000_000, 1],
      d0_30: [2_700_000, 2],
      d31_60: [1_500_000, 2],
      d61_90: [0, 0],
      d90_plus: [0, 0],
    });
    expect(r.trends.satisfaction).toEqual([
      { month: expect.stringMatching(/^\d{4}-\d{2}$/), value: 3.67, count: 3 },
    ]);
    expect(r.funnel.find((f: any) => f.stage === 'intention')).toMatchObject({ count: 2, amount: 350_000 });
    for (const f of [o.responseTime, o.repeatCustomers, o.projectDuration, o.satisfaction, o.receivables])
      expect(f.link).toMatch(/^\/api\/v1\/insights\/records\?metric=/);
  });

  it('lists the records behind a figure through its link', async () => {
    const r = must<any>(await sys.api.get(`/api/v1/insights/kpis?${q}`, admin.token), 200, 'kpis');
    const overdue = must<any>(
      await sys.api.get(r.overall.receivables.overdueLink, admin.token),
      200,
      'records',
    );
    expect(overdue.total).toBe(4);
    expect(overdue.items.reduce((s: number, x: any) => s + x.value, 0)).toBe(4_200_000);
    for (const item of overdue.items) expect(invoiceIds).toContain(item.id);
    const repeat = must<any>(await sys.api.get(r.overall.repeatCustomers.link, admin.token), 200, 'records');
    expect(repeat.items.map((x: any) => x.kind)).toEqual(['contract', 'contract', 'contract']);
    const ratings = must<any>(await sys.api.get(r.overall.satisfaction.link, admin.token), 200, 'records');
    expect(ratings.items.map((x: any) => x.value).sort()).toEqual([2, 4, 5]);
  });

  it('splits the figures by owner and by team, and a manager sees only their team', async () => {
    const byOwner = must<any>(
      await sys.api.get(`/api/v1/insights/kpis?${q}&groupBy=owner`, admin.token),
      200,
      'kpis',
    );
    const linaRow = byOwner.groups.find((g: any) => g.key === lina.id);
    expect(linaRow.label).toBe('李娜');
    // 甲 and 乙 only: 2 h and 10 h; 甲 repeat of 2; days over −5 and 3; stars 5 and 4; ¥60,000 open, ¥30,000 overdue.
    near(linaRow.responseTime.avgSeconds, 6);
    expect(linaRow.responseTime.unanswered).toBe(1);
    expect(linaRow.repeatCustomers).toMatchObject({ count: 2, repeat: 1, rate: 0.5 });
    expect(linaRow.projectDuration).toMatchObject({ count: 2, avgDaysOver: 1.5, onTime: 1 });
    expect(linaRow.satisfaction.average).toBe(4.5);
    expect(linaRow.receivables).toMatchObject({ openAmount: 6_000_000, overdueAmount: 3_000_000 });
    const linaOverdue = must<any>(
      await sys.api.get(linaRow.receivables.overdueLink, admin.token),
      200,
      'records',
    );
    expect(linaOverdue.total).toBe(2);

    const byTeam = must<any>(
      await sys.api.get(`/api/v1/insights/kpis?${q}&groupBy=team`, admin.token),
      200,
      'kpis',
    );
    expect(byTeam.groups.map((g: any) => g.label).sort()).toEqual(['王强团队', '赵经理团队']);

    const mine = must<any>(await sys.api.get(`/api/v1/insights/kpis?${q}`, manager.token), 200, 'kpis');
    expect(mine.scope).toBe(`team:${manager.id}`);
    expect(mine.overall.receivables.openAmount).toBe(6_000_000);
    expect(mine.overall.satisfaction).toMatchObject({ count: 2, average: 4.5 });

    const byType = must<any>(
      await sys.api.get(`/api/v1/insights/kpis?${q}&groupBy=projectType`, admin.token),
      200,
      'kpis',
    );
    const residential = byType.groups.find((g: any) => g.key === 'residential');
    expect(residential.projectDuration).toMatchObject({ count: 2, avgDaysOver: 5, onTime: 1 });
  });

  it('refuses salespeople without a team and customers', async () => {
    expect((await sys.api.get(`/api/v1/insights/kpis?${q}`, wang.token)).status).toBe(403);
    expect(
      (
        await sys.api.get(
          `/api/v1/insights/kpis?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
          admin.token,
        )
      ).status,
    ).toBe(400);
  });

  it('exports the KPI tables and the aging table as .xlsx', async () => {
    const res = await fetch(`${sys.baseUrl}/api/v1/insights/receivables-aging.xlsx?${q}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = wb.getWorksheet('应收账龄')!;
    expect(sheet.getRow(4).values).toEqual([undefined, '逾期 31–60 天', 2, '15000.00']);
    const all = await fetch(`${sys.baseUrl}/api/v1/insights/kpis.xlsx?${q}&groupBy=owner`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(await all.arrayBuffer()) as never);
    expect(wb2.worksheets.map((w) => w.name)).toEqual(['指标', '应收账龄', '趋势', '销售漏斗']);
  });
});
