import { Types } from 'mongoose';
import type { ResponseTimes } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
const token = {} as Record<
  'admin' | 'pm' | 'otherPm' | 'service' | 'engineer' | 'finance' | 'customer',
  string
>;
const pm = { id: '', name: '项目经理张伟' };
const service = { id: '', name: '客服王芳' };

async function staff(role: 'admin' | 'pm' | 'service' | 'engineer' | 'finance', name: string) {
  const user = await sys.seed.staff(role, { name });
  return { id: user.id as string, token: await sys.loginStaff(user.username, user.password) };
}

/**
 * Clocks with hand-picked times. Window: 2026-11-02 00:00 to 2026-11-16 00:00 Asia/Shanghai.
 *   key                 project  opened (UTC)          local week  answered by  seconds
 *   complaint:1         P1       11-02 01:00           11-02       pm           60
 *   repair:1            P1       11-03 02:00           11-02       pm           300
 *   change_request:1    P1       11-10 03:00           11-09       pm           900
 *   chat:P2:a           P2       11-04 04:00           11-02       service      120
 *   complaint:2         P2       11-11 05:00           11-09       service      3600
 *   complaint:3         —        11-08 15:59 (Sun 23:59 local)  11-02  service  30
 *   repair:2            P2       11-08 16:00 (Mon 00:00 local)  11-09  service  600
 *   chat:P1:b           P1       11-12 00:00           11-09       —            (unanswered)
 *   complaint:old       P1       10-20 00:00           outside     pm           10
 */
async function seedClocks(p1: string, p2: string, customerId: string) {
  const clocks = sys.server.container.services.responseClock;
  const rows: Array<
    [
      string,
      'complaint' | 'repair' | 'change_request' | 'chat',
      string | null,
      string,
      typeof pm | null,
      number,
    ]
  > = [
    ['complaint:1', 'complaint', p1, '2026-11-02T01:00:00Z', pm, 60],
    ['repair:1', 'repair', p1, '2026-11-03T02:00:00Z', pm, 300],
    ['change_request:1', 'change_request', p1, '2026-11-10T03:00:00Z', pm, 900],
    [`chat:${p2}:a`, 'chat', p2, '2026-11-04T04:00:00Z', service, 120],
    ['complaint:2', 'complaint', p2, '2026-11-11T05:00:00Z', service, 3600],
    ['complaint:3', 'complaint', null, '2026-11-08T15:59:00Z', service, 30],
    ['repair:2', 'repair', p2, '2026-11-08T16:00:00Z', service, 600],
    [`chat:${p1}:b`, 'chat', p1, '2026-11-12T00:00:00Z', null, 0],
    ['complaint:old', 'complaint', p1, '2026-10-20T00:00:00Z', pm, 10],
  ];
  for (const [key, kind, projectId, opened, by, seconds] of rows) {
    const openedAt = new Date(opened);
    await clocks.open({ key, kind, projectId, customerId, openedAt });
    if (by) expect(await clocks.answer(key, by, new Date(openedAt.getTime() + seconds * 1000))).toBe(seconds);
  }
}

beforeAll(async () => {
  sys = await startTestSystem();
  const a = await staff('admin', '管理员');
  const p = await staff('pm', pm.name);
  const op = await staff('pm', '项目经理李强');
  const s = await staff('service', service.name);
  Object.assign(token, { admin: a.token, pm: p.token, otherPm: op.token, service: s.token });
  token.engineer = (await staff('engineer', '工程师')).token;
  token.finance = (await staff('finance', '财务')).token;
  pm.id = p.id;
  service.id = s.id;
  const { customer } = await sys.seed.customerWithPortal({
    openid: 'o_rt_customer',
    customerName: '华景置业',
  });
  token.customer = await sys.loginWechat('o_rt_customer');
  const project = async (code: string, pmId: string) =>
    String(
      (
        await sys.server.container.models.projects.create({
          code,
          name: code,
          customerId: new Types.ObjectId(customer.id),
          address: '上海',
          pmId: new Types.ObjectId(pmId),
          plannedStart: new Date('2026-01-01'),
          plannedEnd: new Date('2026-12-31'),
        })
      )._id,
    );
  await seedClocks(await project('RT-1', p.id), await project('RT-2', op.id), customer.id);
});
afterAll(async () => {
  await sys?.close();
});

const window = `from=${encodeURIComponent('2026-11-02T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-16T00:00:00+08:00')}`;
async function times(query: string, as = token.admin): Promise<ResponseTimes> {
  const res = await sys.api.get(`/api/v1/insights/response-times?${window}&${query}`, as);
  expect(res.status).toBe(200);
  return res.body as ResponseTimes;
}
const stats = (count: number, avg: number, median: number, p90: number) => ({
  count,
  avgSeconds: avg,
  medianSeconds: median,
  p90Seconds: p90,
});

describe('GET /insights/response-times', () => {
  it('per staff member: avg, median (mean of the middle two) and nearest-rank p90 over the window', async () => {
    const body = await times('groupBy=staff');
    // All 7 answered in the window: 30 60 120 300 600 900 3600 → avg 5610/7, median 300, p90 = 7th value.
    expect(body.overall).toEqual(stats(7, 801.4, 300, 3600));
    expect(body.unanswered).toBe(1);
    expect(body.definition).toMatch(/nearest rank/);
    const byId = Object.fromEntries(body.groups.map((g) => [g.key, g]));
    expect(byId[pm.id]).toEqual({ key: pm.id, label: pm.name, ...stats(3, 420, 300, 900) });
    // 30 120 600 3600: median (120 + 600) / 2, p90 = ceil(3.6) = 4th value.
    expect(byId[service.id]).toEqual({
      key: service.id,
      label: service.name,
      ...stats(4, 1087.5, 360, 3600),
    });
    expect(body.groups).toHaveLength(2);
  });

  it('per ISO week in Asia/Shanghai: Sunday 23:59 and Monday 00:00 local fall in different weeks', async () => {
    const body = await times('groupBy=period&period=week');
    expect(body.groups).toEqual([
      { key: '2026-11-02', label: '2026-11-02', ...stats(4, 127.5, 90, 300) },
      { key: '2026-11-09', label: '2026-11-09', ...stats(3, 1700, 900, 3600) },
    ]);
    const months = await times('groupBy=period&period=month');
    expect(months.groups).toEqual([{ key: '2026-11', label: '2026-11', ...stats(7, 801.4, 300, 3600) }]);
  });

  it('filters by kind', async () => {
    const body = await times('groupBy=period&period=day&kind=complaint');
    expect(body.overall).toEqual(stats(3, 1230, 60, 3600));
    expect(body.groups.map((g) => [g.key, g.count])).toEqual([
      ['2026-11-02', 1],
      ['2026-11-08', 1],
      ['2026-11-11', 1],
    ]);
    expect((await times('kind=chat')).overall).toEqual(stats(1, 120, 120, 120));
    expect((await times('kind=chat')).unanswered).toBe(1);
  });

  it('shows a PM the requests on their own projects only; service staff see all', async () => {
    const mine = await times('groupBy=staff', token.pm);
    expect(mine.overall).toEqual(stats(3, 420, 300, 900));
    expect(mine.unanswered).toBe(1);
    const other = await times('groupBy=staff', token.otherPm);
    expect(other.overall).toEqual(stats(3, 1440, 600, 3600)); // 120 600 3600 on RT-2
    expect((await times('groupBy=staff', token.service)).overall.count).toBe(7);
  });

  it('is closed to engineers, finance and customers, and validates the window', async () => {
    for (const who of [token.engineer, token.finance, token.customer]) {
      expect((await sys.api.get('/api/v1/insights/response-times', who)).status).toBe(403);
    }
    const reversed = await sys.api.get(
      '/api/v1/insights/response-times?from=2026-11-16T00:00:00Z&to=2026-11-02T00:00:00Z',
      token.admin,
    );
    expect(reversed.status).toBe(400);
    const empty = await sys.api.get('/api/v1/insights/response-times', token.admin); // last 30 days from now
    expect(empty.status).toBe(200);
  });
});

describe('ResponseClockService', () => {
  it('opens once per key and lets exactly one of several simultaneous answers stop the clock', async () => {
    const clocks = sys.server.container.services.responseClock;
    const customerId = new Types.ObjectId().toHexString();
    const openedAt = new Date('2026-11-20T08:00:00Z');
    await clocks.open({ key: 'complaint:race', kind: 'complaint', projectId: null, customerId, openedAt });
    await clocks.open({
      key: 'complaint:race',
      kind: 'complaint',
      projectId: null,
      customerId,
      openedAt: new Date('2026-11-20T09:00:00Z'),
    });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        clocks.answer(
          'complaint:race',
          { id: `staff${i}`, name: `员工${i}` },
          new Date(openedAt.getTime() + i * 1000),
        ),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const docs = await sys.server.container.models.responseClocks.find({ key: 'complaint:race' }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.openedAt.toISOString()).toBe(openedAt.toISOString());
    expect(docs[0]!.responseSeconds).toBe(results.find((r) => r !== null));
    expect(await clocks.answer('complaint:race', pm, new Date())).toBeNull();
    expect(await clocks.answer('complaint:never-opened', pm, new Date())).toBeNull();
  });
});
