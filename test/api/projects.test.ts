import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import type { ProjectView } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';

const DAY_MS = 86_400_000;
let sys: TestSystem;
let admin: string;
let pm: { id: string; token: string };
let otherPm: { id: string; token: string };
let engineer: { id: string; token: string };
let outsider: { id: string; token: string };
let own: { customerId: string; token: string };
let otherCustomer: { customerId: string; token: string };

const patch = (path: string, body: unknown, token: string) => sys.api.request('PATCH', path, { body, token });

async function staff(role: 'pm' | 'engineer' | 'admin') {
  const user = await sys.seed.staff(role);
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}

async function portal(name: string) {
  const openid = `o_${name}_${new Types.ObjectId().toHexString().slice(-6)}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name });
  return { customerId: customer.id, token: await sys.loginWechat(openid) };
}

function createBody(fields: Record<string, unknown> = {}) {
  return {
    name: '滨江苑三期住宅楼',
    type: 'residential',
    customerId: own.customerId,
    address: '杭州市滨江区江南大道 1 号',
    engineerIds: [engineer.id],
    plannedStart: '2027-01-01',
    plannedEnd: '2027-05-25',
    ...fields,
  };
}

beforeAll(async () => {
  sys = await startTestSystem();
  admin = (await staff('admin')).token;
  [pm, otherPm, engineer, outsider] = [
    await staff('pm'),
    await staff('pm'),
    await staff('engineer'),
    await staff('engineer'),
  ];
  own = await portal('华景置业');
  otherCustomer = await portal('别家公司');
});

afterAll(async () => {
  await sys.close();
});

describe('creating a project instantiates the milestone template of its type', () => {
  it('spreads the residential template over the planned period by span, weights kept', async () => {
    const res = await sys.api.post('/api/v1/projects', createBody({ pmId: pm.id }), admin);
    expect(res.status).toBe(201);
    const project = res.body as ProjectView;
    expect(project.code).toMatch(/^P\d{8}-[0-9A-F]{6}$/);
    expect(project).toMatchObject({
      type: 'residential',
      typeLabel: '住宅',
      status: 'planning',
      customer: { id: own.customerId, name: '华景置业' },
      pm: { id: pm.id },
      engineers: [{ id: engineer.id }],
      progress: 0,
      scheduleVarianceDays: 0,
    });
    const list = await sys.api.get(`/api/v1/projects/${project.id}/milestones`, admin);
    // spans 3,4,3,3,1 over 144 days: boundaries at round(144·3/14)=31, 72, 103, 134, 144 days
    expect(list.body.items.map((m: any) => [m.name, m.weight, m.plannedStart, m.plannedEnd])).toEqual([
      ['基础完工', 2, '2027-01-01', '2027-02-01'],
      ['主体结构封顶', 3, '2027-02-01', '2027-03-14'],
      ['二次结构及机电安装', 2, '2027-03-14', '2027-04-14'],
      ['装饰装修完工', 2, '2027-04-14', '2027-05-15'],
      ['竣工验收', 1, '2027-05-15', '2027-05-25'],
    ]);
    expect(project.nextMilestone).toMatchObject({ name: '基础完工', status: 'pending' });
  });

  it('lets a PM create their own project; refuses engineers, unknown customers, bad dates, duplicate codes', async () => {
    const res = await sys.api.post('/api/v1/projects', createBody({ code: 'HJ-2027-001' }), pm.token);
    expect(res.status).toBe(201);
    expect(res.body.pm.id).toBe(pm.id);
    expect((await sys.api.post('/api/v1/projects', createBody(), engineer.token)).status).toBe(403);
    expect((await sys.api.post('/api/v1/projects', createBody(), own.token)).status).toBe(403);
    const unknown = await sys.api.post(
      '/api/v1/projects',
      createBody({ customerId: new Types.ObjectId().toHexString() }),
      admin,
    );
    expect(unknown.status).toBe(400);
    const backwards = await sys.api.post('/api/v1/projects', createBody({ plannedEnd: '2026-12-01' }), admin);
    expect(backwards.status).toBe(400);
    const notAPm = await sys.api.post('/api/v1/projects', createBody({ pmId: engineer.id }), admin);
    expect(notAPm.status).toBe(400);
    const dup = await sys.api.post('/api/v1/projects', createBody({ code: 'HJ-2027-001' }), admin);
    expect(dup.status).toBe(409);
  });
});

describe('who sees which project', () => {
  let projectId: string;
  beforeAll(async () => {
    const res = await sys.api.post('/api/v1/projects', createBody({ name: '可见性测试' }), pm.token);
    projectId = res.body.id;
  });

  it('answers 404 to a customer of another customer, an engineer not on it and another PM', async () => {
    for (const token of [otherCustomer.token, outsider.token, otherPm.token])
      expect((await sys.api.get(`/api/v1/projects/${projectId}`, token)).status).toBe(404);
    for (const token of [own.token, engineer.token, pm.token, admin])
      expect((await sys.api.get(`/api/v1/projects/${projectId}`, token)).status).toBe(200);
    expect((await sys.api.get(`/api/v1/projects/${new Types.ObjectId().toHexString()}`, admin)).status).toBe(
      404,
    );
  });

  it('scopes the list to the caller and pages it with a cursor', async () => {
    const ids = async (token: string, query = '') =>
      (await sys.api.get(`/api/v1/projects?limit=100${query}`, token)).body.items.map((p: any) => p.id);
    expect(await ids(own.token)).toContain(projectId);
    expect(await ids(engineer.token)).toContain(projectId);
    expect(await ids(otherCustomer.token)).toEqual([]);
    expect(await ids(outsider.token)).toEqual([]);
    expect(await ids(otherPm.token)).toEqual([]);
    expect(await ids(admin, `&customerId=${otherCustomer.customerId}`)).toEqual([]);
    expect(await ids(admin, `&status=active`)).not.toContain(projectId);

    const first = await sys.api.get('/api/v1/projects?limit=2', own.token);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await sys.api.get(`/api/v1/projects?limit=2&cursor=${first.body.nextCursor}`, own.token);
    const all = [...first.body.items, ...second.body.items].map((p: any) => p.id);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('editing a project', () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = (await sys.api.post('/api/v1/projects', createBody({ name: '状态测试' }), pm.token)).body.id;
  });

  it('follows the project status machine, sets the actual start and audits the move', async () => {
    const skip = await patch(`/api/v1/projects/${projectId}`, { status: 'completed' }, pm.token);
    expect(skip.status).toBe(409);
    const res = await patch(`/api/v1/projects/${projectId}`, { status: 'active' }, pm.token);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(res.body.actualStart).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const audit = await sys.server.container.audit.forResource('project', projectId);
    expect(audit.find((a) => a.action === 'project.status')).toMatchObject({
      actorId: pm.id,
      before: { status: 'planning' },
      after: { status: 'active' },
    });
  });

  it('is for its PM and admins: 403 for readers, 404 for strangers', async () => {
    expect((await patch(`/api/v1/projects/${projectId}`, { name: 'x' }, engineer.token)).status).toBe(403);
    expect((await patch(`/api/v1/projects/${projectId}`, { name: 'x' }, own.token)).status).toBe(403);
    expect((await patch(`/api/v1/projects/${projectId}`, { name: 'x' }, outsider.token)).status).toBe(404);
    expect((await patch(`/api/v1/projects/${projectId}`, { name: 'x' }, otherCustomer.token)).status).toBe(
      404,
    );
    const ok = await patch(`/api/v1/projects/${projectId}`, { name: '状态测试（改名）' }, admin);
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('状态测试（改名）');
  });
});

describe('progress and schedule variance come from the milestones', () => {
  it('weights confirmed milestones and takes the worst delay', async () => {
    // industrial: 4 milestones, weights 2, 3, 2, 1 (total 8)
    const res = await sys.api.post(
      '/api/v1/projects',
      createBody({ type: 'industrial', plannedStart: '2026-06-01', plannedEnd: '2027-06-01' }),
      pm.token,
    );
    const projectId = res.body.id;
    const list = (await sys.api.get(`/api/v1/projects/${projectId}/milestones`, pm.token)).body.items;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // Asia/Shanghai
    const daysAgo = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
    // first: planned to end 40 days ago, confirmed 37 days ago (3 days late)
    // second: planned to end 8 days ago, still in progress (8 days late)
    // third and fourth: due in the future
    await patch(
      `/api/v1/milestones/${list[0].id}`,
      { plannedStart: daysAgo(90), plannedEnd: daysAgo(40) },
      pm.token,
    );
    await patch(
      `/api/v1/milestones/${list[1].id}`,
      { plannedStart: daysAgo(40), plannedEnd: daysAgo(8) },
      pm.token,
    );
    const { milestones } = sys.server.container.models as any;
    await milestones.updateOne(
      { _id: list[0].id },
      { $set: { status: 'confirmed', actualEnd: new Date(`${daysAgo(37)}T04:00:00Z`) } },
    );
    await milestones.updateOne({ _id: list[1].id }, { $set: { status: 'in_progress' } });

    const project = (await sys.api.get(`/api/v1/projects/${projectId}`, own.token)).body as ProjectView;
    expect(project.progress).toBe(25); // 2 of 8
    expect(project.scheduleVarianceDays).toBe(8); // max(3, 8, 0, 0)
    expect(project.nextMilestone).toMatchObject({ id: list[1].id, status: 'in_progress' });

    // the in-progress one confirmed on time → only the 3 late days remain
    await milestones.updateOne(
      { _id: list[1].id },
      { $set: { status: 'confirmed', actualEnd: new Date(`${daysAgo(8)}T04:00:00Z`) } },
    );
    const after = (await sys.api.get(`/api/v1/projects/${projectId}`, own.token)).body as ProjectView;
    expect(after.progress).toBe(63); // 5 of 8 = 62.5 → 63
    expect(after.scheduleVarianceDays).toBe(3);
  });
});
