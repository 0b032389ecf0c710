import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import sharp from 'sharp';
import type { FileRef } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let dataDir: string;
let projectId: string;
const who = {} as Record<'pm' | 'eng' | 'outsider' | 'finance' | 'customer' | 'stranger', string>;
const ids = {} as Record<'pm' | 'eng' | 'outsider', string>;

async function staff(role: 'pm' | 'engineer' | 'finance', name: string) {
  const user = await sys.seed.staff(role, { name });
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}
async function portal(name: string) {
  const openid = `o_issue_${crypto.randomBytes(3).toString('hex')}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name });
  return { customerId: customer.id, token: await sys.loginWechat(openid) };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-issues-'));
  sys = await startTestSystem({
    overrides: { files: { dataDir }, notifications: { wecom: { robots: { pm: 'robot-key-pm' } } } },
  });
  const [pm, eng, outsider, finance] = [
    await staff('pm', '项目经理张伟'),
    await staff('engineer', '工程师陈刚'),
    await staff('engineer', '别的工程师'),
    await staff('finance', '财务王芳'),
  ];
  const own = await portal('华景置业');
  const other = await portal('别家公司');
  Object.assign(who, {
    pm: pm.token,
    eng: eng.token,
    outsider: outsider.token,
    finance: finance.token,
    customer: own.token,
    stranger: other.token,
  });
  Object.assign(ids, { pm: pm.id, eng: eng.id, outsider: outsider.id });
  const project = await sys.server.container.models.projects.create({
    code: 'ISS-1',
    name: '滨江苑三期',
    customerId: new Types.ObjectId(own.customerId),
    address: '杭州市滨江区',
    pmId: new Types.ObjectId(pm.id),
    engineerIds: [new Types.ObjectId(eng.id)],
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

async function photo(token: string): Promise<FileRef> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#1f4e8c' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '问题.png');
  const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as FileRef;
}

const issuesUrl = (query = '') => `/api/v1/projects/${projectId}/issues${query}`;
const report = (token: string, body: Record<string, unknown> = {}) =>
  sys.api.post(issuesUrl(), { title: '二层楼板裂缝', severity: 'high', ...body }, token);
const act = (id: string, action: string, token: string, body?: unknown) =>
  sys.api.post(`/api/v1/site-issues/${id}/${action}`, body, token);
const patch = (id: string, body: unknown, token: string) =>
  sys.api.request('PATCH', `/api/v1/site-issues/${id}`, { body, token });
const auditOf = (id: string) => sys.server.container.audit.forResource('site_issue', id);

describe('site issues: reporting and assignment', () => {
  it('an engineer reports an internal issue assigned to the PM, who is notified', async () => {
    const p = await photo(who.eng);
    const res = await report(who.eng, {
      description: '板底可见贯通裂缝，长约 1.2 米',
      assigneeId: ids.pm,
      photoIds: [p.id],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'open',
      statusLabel: '待处理',
      severity: 'high',
      severityLabel: '严重',
      customerVisible: false,
      assignee: { id: ids.pm, name: '项目经理张伟' },
      reporter: { id: ids.eng, name: '工程师陈刚' },
      resolution: null,
    });
    expect(res.body.photos.map((f: FileRef) => f.id)).toEqual([p.id]);

    await sys.server.container.outboxWorker.drain();
    const inbox = await sys.api.get('/api/v1/notifications', who.pm);
    expect(inbox.body.items[0]).toMatchObject({ eventType: 'site_issue.assigned', title: '现场问题待处理' });
    expect(inbox.body.items[0].body).toContain('二层楼板裂缝');
    const wecom = sys.sim.messages().filter((m) => m.kind === 'wecom');
    expect(JSON.stringify(wecom)).toContain('二层楼板裂缝');
    expect((await auditOf(res.body.id)).map((a) => a.action).sort()).toEqual([
      'site_issue.assigned',
      'site_issue.created',
    ]);
  });

  it('reassigns to the engineer (audited, notified); refuses staff who are not on the project', async () => {
    const issue = (await report(who.pm, { title: '脚手架连墙件缺失', severity: 'critical' })).body;
    expect(issue.assignee).toBeNull();
    const bad = await patch(issue.id, { assigneeId: ids.outsider }, who.pm);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].message).toContain('本项目');

    const res = await patch(issue.id, { assigneeId: ids.eng }, who.pm);
    expect(res.status).toBe(200);
    expect(res.body.assignee).toEqual({ id: ids.eng, name: '工程师陈刚' });
    const assigned = (await auditOf(issue.id)).filter((a) => a.action === 'site_issue.assigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toMatchObject({ before: { assigneeId: null }, after: { assigneeId: ids.eng } });
    await sys.server.container.outboxWorker.drain();
    const inbox = await sys.api.get('/api/v1/notifications', who.eng);
    expect(inbox.body.items.map((n: { body: string }) => n.body).join()).toContain('脚手架连墙件缺失');
  });
});

describe('site issues: status machine', () => {
  it('open → in_progress → resolved (with photos) → reopened → … → closed by the PM', async () => {
    const notices = sys.server.container.models.notices;
    const toEng = { eventType: 'site_issue.assigned', recipientId: ids.eng };
    const before = await notices.countDocuments(toEng);
    const { id } = (await report(who.eng, { assigneeId: ids.eng })).body;
    expect(await notices.countDocuments(toEng)).toBe(before); // taking it yourself needs no notice
    expect((await act(id, 'start', who.eng)).body.status).toBe('in_progress');

    const p = await photo(who.eng);
    const resolved = await act(id, 'resolve', who.eng, {
      resolution: '环氧树脂灌缝并复检',
      photoIds: [p.id],
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { note: '环氧树脂灌缝并复检' } });
    expect(resolved.body.resolution.photos.map((f: FileRef) => f.id)).toEqual([p.id]);

    const reopened = await act(id, 'reopen', who.pm, { reason: '复检仍有渗水' });
    expect(reopened.body).toMatchObject({ status: 'open', resolution: null });

    await act(id, 'start', who.eng);
    await act(id, 'resolve', who.eng, { resolution: '二次灌缝' });
    const engineerClose = await act(id, 'close', who.eng);
    expect(engineerClose.status).toBe(403);
    const closed = await act(id, 'close', who.pm);
    expect(closed.body).toMatchObject({ status: 'closed', statusLabel: '已关闭' });

    const moves = (await auditOf(id))
      .filter((a) => a.action === 'site_issue.status_changed')
      .reverse()
      .map((a) => `${(a.before as { status: string }).status}→${(a.after as { status: string }).status}`);
    expect(moves).toEqual([
      'open→in_progress',
      'in_progress→resolved',
      'resolved→open',
      'open→in_progress',
      'in_progress→resolved',
      'resolved→closed',
    ]);
  });

  it('refuses illegal jumps with 409 and changes nothing', async () => {
    const { id } = (await report(who.eng)).body;
    const jump = await act(id, 'resolve', who.eng, { resolution: '直接解决' });
    expect(jump.status).toBe(409);
    expect(jump.body.error.message).toContain('「待处理」变为「已解决」');
    expect((await act(id, 'close', who.pm)).status).toBe(409);
    expect((await act(id, 'reopen', who.pm, { reason: 'x' })).status).toBe(409);
    expect((await sys.api.get(`/api/v1/site-issues/${id}`, who.pm)).body.status).toBe('open');
  });

  it('a closed issue stays closed', async () => {
    const { id } = (await report(who.eng)).body;
    await act(id, 'start', who.eng);
    await act(id, 'resolve', who.eng, { resolution: '已处理' });
    await act(id, 'close', who.pm);
    expect((await act(id, 'reopen', who.pm, { reason: '又坏了' })).status).toBe(409);
  });
});

describe('site issues: who sees what', () => {
  let internalId: string;

  beforeAll(async () => {
    internalId = (await report(who.eng, { title: '内部：混凝土强度不足', severity: 'medium' })).body.id;
  });

  it('internal issues are hidden from the customer, in the list and by id', async () => {
    const list = await sys.api.get(issuesUrl('?limit=100'), who.customer);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(internalId);
    expect((await sys.api.get(`/api/v1/site-issues/${internalId}`, who.customer)).status).toBe(404);
  });

  it('a customer-visible issue is shown with its photos and kept in the timeline', async () => {
    const p = await photo(who.eng);
    const issue = (await report(who.eng, { title: '外墙渗水', photoIds: [p.id], customerVisible: true }))
      .body;
    const seen = await sys.api.get(`/api/v1/site-issues/${issue.id}`, who.customer);
    expect(seen.status).toBe(200);
    expect(seen.body.photos.map((f: FileRef) => f.id)).toEqual([p.id]);
    const timeline = sys.server.container.models.projectTimeline;
    expect(await timeline.findOne({ key: `site_issue:${issue.id}` }).lean()).toMatchObject({
      kind: 'site_issue',
      customerVisible: true,
      title: '现场问题：外墙渗水',
    });
    expect(await timeline.findOne({ key: `site_issue:${internalId}` }).lean()).toBeNull();

    // hidden again: gone for the customer, and from the customer's timeline
    expect((await patch(issue.id, { customerVisible: false }, who.pm)).status).toBe(200);
    expect((await sys.api.get(`/api/v1/site-issues/${issue.id}`, who.customer)).status).toBe(404);
    expect((await timeline.findOne({ key: `site_issue:${issue.id}` }).lean())?.customerVisible).toBe(false);
  });

  it('an engineer not on the project and another customer get 404', async () => {
    for (const token of [who.outsider, who.stranger]) {
      expect((await sys.api.get(issuesUrl(), token)).status).toBe(404);
      expect((await sys.api.get(`/api/v1/site-issues/${internalId}`, token)).status).toBe(404);
    }
    expect((await report(who.outsider)).status).toBe(404);
    expect((await act(internalId, 'start', who.outsider)).status).toBe(404);
  });

  it('customers cannot report or act; finance reads only', async () => {
    expect((await report(who.customer)).status).toBe(403);
    expect((await report(who.finance)).status).toBe(403);
    expect((await act(internalId, 'start', who.finance)).status).toBe(403);
    expect((await sys.api.get(`/api/v1/site-issues/${internalId}`, who.finance)).status).toBe(200);
  });
});

describe('site issues: list', () => {
  it('filters by status, severity and assignee, newest first with a cursor', async () => {
    const open = await sys.api.get(issuesUrl('?status=open&limit=100'), who.pm);
    expect(open.body.items.length).toBeGreaterThan(0);
    expect(open.body.items.every((i: { status: string }) => i.status === 'open')).toBe(true);
    const critical = await sys.api.get(issuesUrl('?severity=critical'), who.pm);
    expect(critical.body.items.map((i: { title: string }) => i.title)).toEqual(['脚手架连墙件缺失']);
    const mine = await sys.api.get(issuesUrl(`?assigneeId=${ids.eng}&limit=100`), who.eng);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((i: { assignee: { id: string } }) => i.assignee.id === ids.eng)).toBe(true);

    const first = await sys.api.get(issuesUrl('?limit=2'), who.pm);
    const second = await sys.api.get(issuesUrl(`?limit=2&cursor=${first.body.nextCursor}`), who.pm);
    const seen = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(seen).toHaveLength(4);
    expect(seen).toEqual([...seen].sort().reverse());
  });
});
