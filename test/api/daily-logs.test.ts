import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { calendarDateOf, type FileRef } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let dataDir: string;
let projectId: string;
/** Engineer 2's internal log of today (made visible later). */
let eng2TodayId: string;
const who = {} as Record<'pm' | 'eng' | 'eng2' | 'outsider' | 'finance' | 'customer' | 'stranger', string>;
const ids = {} as Record<'pm' | 'eng', string>;

async function staff(role: 'pm' | 'engineer' | 'finance', name: string) {
  const user = await sys.seed.staff(role, { name });
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}
async function portal(name: string) {
  const openid = `o_log_${crypto.randomBytes(3).toString('hex')}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name });
  return { customerId: customer.id, token: await sys.loginWechat(openid) };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-logs-'));
  sys = await startTestSystem({ overrides: { files: { dataDir } } });
  const [pm, eng, eng2, outsider, finance] = [
    await staff('pm', '项目经理张伟'),
    await staff('engineer', '工程师陈刚'),
    await staff('engineer', '工程师李强'),
    await staff('engineer', '别的工程师'),
    await staff('finance', '财务王芳'),
  ];
  const own = await portal('华景置业');
  const other = await portal('别家公司');
  Object.assign(who, {
    pm: pm.token,
    eng: eng.token,
    eng2: eng2.token,
    outsider: outsider.token,
    finance: finance.token,
    customer: own.token,
    stranger: other.token,
  });
  Object.assign(ids, { pm: pm.id, eng: eng.id });
  const project = await sys.server.container.models.projects.create({
    code: 'LOG-1',
    name: '滨江苑三期',
    customerId: new Types.ObjectId(own.customerId),
    address: '杭州市滨江区',
    pmId: new Types.ObjectId(pm.id),
    engineerIds: [eng.id, eng2.id].map((id) => new Types.ObjectId(id)),
    status: 'active',
    plannedStart: new Date('2026-09-01T00:00:00Z'),
    plannedEnd: new Date('2027-06-30T00:00:00Z'),
  });
  projectId = String(project._id);
});
afterAll(async () => {
  await sys?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A real upload through POST /api/v1/files, not yet bound to a record. */
async function photo(token: string): Promise<FileRef> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c85a1e' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '现场.png');
  const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as FileRef;
}

const today = () => calendarDateOf(new Date());
const daysAgo = (n: number) => calendarDateOf(new Date(Date.now() - n * 86_400_000));
const logsUrl = (query = '') => `/api/v1/projects/${projectId}/daily-logs${query}`;
const create = (token: string, body: Record<string, unknown>) =>
  sys.api.post(logsUrl(), { weather: 'sunny', headcount: 12, workDone: '二层楼板浇筑', ...body }, token);
const patch = (id: string, body: unknown, token: string) =>
  sys.api.request('PATCH', `/api/v1/daily-logs/${id}`, { body, token });
const timelineEntry = (logId: string) =>
  sys.server.container.models.projectTimeline.findOne({ key: `daily_log:${logId}` }).lean();

describe('daily logs: one per person per day, editable that day', () => {
  let logId: string;

  it('an engineer writes today’s log with photos; it is recorded in the timeline', async () => {
    const [p1, p2] = [await photo(who.eng), await photo(who.eng)];
    const res = await create(who.eng, {
      temperature: 18,
      problems: '钢筋到货晚半天',
      photoIds: [p1.id, p2.id],
      customerVisible: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      date: today(),
      weather: 'sunny',
      weatherLabel: '晴',
      temperature: 18,
      headcount: 12,
      customerVisible: true,
      editable: true,
      author: { id: ids.eng, name: '工程师陈刚' },
    });
    expect(res.body.photos.map((p: FileRef) => [p.id, p.customerVisible])).toEqual([
      [p1.id, true],
      [p2.id, true],
    ]);
    logId = res.body.id;
    expect(await timelineEntry(logId)).toMatchObject({ kind: 'daily_log', customerVisible: true });
  });

  it('a second log by the same engineer that day answers 409 pointing at the first', async () => {
    const res = await create(who.eng, { workDone: '又写了一份' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE');
    expect(res.body.error.message).toContain('每人每天一份');
    expect(res.body.error.details).toMatchObject({ existingId: logId, date: today() });
    // another engineer and the PM each still write their own
    const eng2 = await create(who.eng2, { photoIds: [(await photo(who.eng2)).id] });
    expect(eng2.status).toBe(201);
    eng2TodayId = eng2.body.id;
    expect((await create(who.pm, {})).status).toBe(201);
  });

  it('the unique index holds when two creates race', async () => {
    const results = await Promise.all([
      create(who.eng, { date: daysAgo(3) }),
      create(who.eng, { date: daysAgo(3) }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('its author edits it the same day; the timeline follows', async () => {
    const res = await patch(logId, { workDone: '二层楼板浇筑完成，养护中', headcount: 14 }, who.eng);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workDone: '二层楼板浇筑完成，养护中', headcount: 14, editable: true });
    expect((await timelineEntry(logId))?.summary).toBe('二层楼板浇筑完成，养护中');
    const audit = await sys.server.container.audit.forResource('daily_log', logId);
    expect(audit.map((a) => a.action).sort()).toEqual(['daily_log.created', 'daily_log.updated']);
  });

  it('someone else may not edit it, even the PM', async () => {
    const res = await patch(logId, { headcount: 1 }, who.pm);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('填写人');
  });

  it('a log of an earlier day can be filled in late but no longer edited', async () => {
    const late = await create(who.eng, { date: daysAgo(1), workDone: '补填昨天的日志' });
    expect(late.status).toBe(201);
    expect(late.body.editable).toBe(false);
    const res = await patch(late.body.id, { headcount: 20 }, who.eng);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('只能在当天修改');
    expect((await sys.api.get(`/api/v1/daily-logs/${late.body.id}`, who.eng)).body.headcount).toBe(12);
  });

  it('refuses a log for a future day', async () => {
    const tomorrow = calendarDateOf(new Date(Date.now() + 86_400_000));
    const res = await create(who.eng, { date: tomorrow });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0]).toMatchObject({ path: 'body.date' });
  });
});

describe('daily logs: who sees what', () => {
  let internalId: string;
  let internalPhoto: FileRef;

  beforeAll(async () => {
    internalPhoto = await photo(who.eng2);
    const res = await create(who.eng2, {
      date: daysAgo(2),
      workDone: '内部：质量整改',
      photoIds: [internalPhoto.id],
    });
    expect(res.status).toBe(201);
    internalId = res.body.id;
  });

  it('staff on the project see internal logs with their photos', async () => {
    const res = await sys.api.get(`/api/v1/daily-logs/${internalId}`, who.pm);
    expect(res.status).toBe(200);
    expect(res.body.photos.map((p: FileRef) => p.id)).toEqual([internalPhoto.id]);
  });

  it('the customer lists only customer-visible logs and gets 404 for an internal one', async () => {
    const list = await sys.api.get(logsUrl('?limit=100'), who.customer);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((l: { customerVisible: boolean }) => l.customerVisible)).toBe(true);
    expect(list.body.items.map((l: { id: string }) => l.id)).not.toContain(internalId);
    expect((await sys.api.get(`/api/v1/daily-logs/${internalId}`, who.customer)).status).toBe(404);
    const visible = list.body.items[list.body.items.length - 1];
    expect(visible.photos.length).toBe(2);
    expect(visible.photos.every((p: FileRef) => p.customerVisible)).toBe(true);
  });

  it('making a log customer-visible shows it and its photos to the customer', async () => {
    const url = `/api/v1/daily-logs/${eng2TodayId}`;
    expect((await sys.api.get(url, who.customer)).status).toBe(404);
    expect((await timelineEntry(eng2TodayId))?.customerVisible).toBe(false);
    expect((await patch(eng2TodayId, { customerVisible: true }, who.eng2)).status).toBe(200);
    const seen = await sys.api.get(url, who.customer);
    expect(seen.status).toBe(200);
    expect(seen.body.photos).toHaveLength(1);
    expect((await timelineEntry(eng2TodayId))?.customerVisible).toBe(true);
  });

  it('an engineer not on the project and another customer get 404', async () => {
    for (const token of [who.outsider, who.stranger]) {
      expect((await sys.api.get(logsUrl(), token)).status).toBe(404);
      expect((await sys.api.get(`/api/v1/daily-logs/${internalId}`, token)).status).toBe(404);
    }
    expect((await create(who.outsider, {})).status).toBe(404);
  });

  it('customers and finance read but cannot write', async () => {
    expect((await create(who.customer, {})).status).toBe(403);
    expect((await create(who.finance, {})).status).toBe(403);
    expect((await sys.api.get(`/api/v1/daily-logs/${internalId}`, who.finance)).status).toBe(200);
  });

  it('refuses a photo that is not the writer’s own upload', async () => {
    const foreign = await photo(who.pm);
    const res = await create(who.eng2, {
      date: daysAgo(5),
      photoIds: [foreign.id],
    });
    expect(res.status).toBe(400);
  });
});

describe('daily logs: list', () => {
  it('pages newest first and filters by author and date range', async () => {
    const first = await sys.api.get(logsUrl('?limit=2'), who.pm);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await sys.api.get(logsUrl(`?limit=2&cursor=${first.body.nextCursor}`), who.pm);
    const seen = [...first.body.items, ...second.body.items].map((l: { id: string }) => l.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());

    const mine = await sys.api.get(logsUrl(`?authorId=${ids.eng}&limit=100`), who.pm);
    expect(mine.body.items.every((l: { author: { id: string } }) => l.author.id === ids.eng)).toBe(true);
    const range = await sys.api.get(logsUrl(`?from=${daysAgo(3)}&to=${daysAgo(1)}&limit=100`), who.pm);
    const dates = range.body.items.map((l: { date: string }) => l.date).sort();
    expect(dates).toEqual([daysAgo(3), daysAgo(2), daysAgo(1)]);
  });
});
