import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  castProject,
  feedbackCast,
  inboxTitles,
  runJob,
  uploadPhoto,
  type FeedbackCast,
} from '../support/feedback-cast';

const HOUR_MS = 3_600_000;
let sys: TestSystem;
let cast: FeedbackCast;
let project: { id: string; name: string };

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await feedbackCast(sys);
  project = await castProject(sys, cast);
});
afterAll(async () => {
  await sys?.close();
});

const drain = () => sys.server.container.outboxWorker.drain();
const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR_MS).toISOString();

async function raise(token = cast.customer.token, extra: Record<string, unknown> = {}) {
  const res = await post(
    '/complaints',
    { projectId: project.id, category: 'quality', description: '客厅墙面开裂，影响入住', ...extra },
    token,
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe('raising a complaint', () => {
  it('a customer raises one on their project with a photo; deadlines are 8 and 72 hours; the PM is told', async () => {
    const photo = await uploadPhoto(sys, cast.customer.token);
    const c = await raise(cast.customer.token, { photoIds: [photo.id] });
    expect(c).toMatchObject({
      status: 'open',
      statusLabel: '待受理',
      categoryLabel: '施工质量',
      projectName: project.name,
      round: 1,
      overdue: false,
      raisedBy: { kind: 'portal' },
      escalations: [],
    });
    expect(c.photos.map((p: { id: string }) => p.id)).toEqual([photo.id]);
    const opened = Date.parse(c.openedAt);
    expect(Date.parse(c.responseDueAt) - opened).toBe(8 * HOUR_MS);
    expect(Date.parse(c.resolutionDueAt) - opened).toBe(72 * HOUR_MS);
    await drain();
    expect(await inboxTitles(sys, cast.pm.token)).toContain('新投诉');
  });

  it('staff log one received earlier by phone; a customer may not backdate', async () => {
    const c = await raise(cast.service.token, { receivedAt: hoursAgo(2) });
    expect(c.raisedBy).toMatchObject({ kind: 'staff', name: '客服小李' });
    expect(Math.abs(Date.parse(c.openedAt) - (Date.now() - 2 * HOUR_MS))).toBeLessThan(60_000);
    const res = await post(
      '/complaints',
      { projectId: project.id, category: 'quality', description: '漏水', receivedAt: hoursAgo(2) },
      cast.customer.token,
    );
    expect(res.status).toBe(400);
  });

  it('another customer and an engineer not on the project get 404; finance may not log one', async () => {
    const body = { projectId: project.id, category: 'service', description: '态度差' };
    expect((await post('/complaints', body, cast.otherCustomer.token)).status).toBe(404);
    expect((await post('/complaints', body, cast.outsider.token)).status).toBe(404);
    expect((await post('/complaints', body, cast.finance.token)).status).toBe(403);
  });
});

describe('who sees a complaint', () => {
  it('404 for another customer and an engineer not on the project; the lists are scoped', async () => {
    const c = await raise();
    expect((await get(`/complaints/${c.id}`, cast.otherCustomer.token)).status).toBe(404);
    expect((await get(`/complaints/${c.id}`, cast.outsider.token)).status).toBe(404);
    expect((await get(`/complaints/${c.id}`, cast.engineer.token)).status).toBe(200);
    expect((await get(`/complaints/${c.id}`, cast.customer.token)).body.id).toBe(c.id);

    const ids = async (token: string) =>
      (await get('/complaints?limit=100', token)).body.items.map((i: { id: string }) => i.id);
    expect(await ids(cast.customer.token)).toContain(c.id);
    expect(await ids(cast.pm.token)).toContain(c.id);
    expect(await ids(cast.service.token)).toContain(c.id);
    expect(await ids(cast.otherCustomer.token)).toEqual([]);
    expect(await ids(cast.outsider.token)).toEqual([]);
    expect(await ids(cast.otherPm.token)).toEqual([]);
  });
});

describe('complaint transitions', () => {
  it('acknowledge → resolve → reopen → resolve → accept, each audited; illegal moves refused', async () => {
    const c = await raise();
    const act = (what: string, token: string, body: unknown = {}) =>
      post(`/complaints/${c.id}/${what}`, body, token);

    expect((await act('accept', cast.customer.token)).status).toBe(409); // nothing resolved yet
    expect((await act('acknowledge', cast.customer.token)).status).toBe(403);
    expect((await act('acknowledge', cast.engineer.token)).status).toBe(403);
    expect((await act('acknowledge', cast.otherPm.token)).status).toBe(404);

    const ack = await act('acknowledge', cast.pm.token, { note: '明天上午到现场查看' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { id: cast.pm.id },
      acknowledgeNote: '明天上午到现场查看',
    });
    expect((await act('acknowledge', cast.pm.token)).status).toBe(409);
    const clock = await sys.server.container.models.responseClocks
      .findOne({ key: `complaint:${c.id}` })
      .lean();
    expect(clock).toMatchObject({ answeredBy: { id: cast.pm.id } });

    const fixPhoto = await uploadPhoto(sys, cast.service.token);
    const resolved = await act('resolve', cast.service.token, {
      resolution: '已重新批嵌涂刷',
      photoIds: [fixPhoto.id],
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: '已重新批嵌涂刷' });
    expect(resolved.body.resolutionPhotos).toHaveLength(1);
    expect((await act('reopen', cast.pm.token, { reason: 'x' })).status).toBe(403);

    const reopened = await act('reopen', cast.customer.token, { reason: '颜色不一致' });
    expect(reopened.body).toMatchObject({ status: 'open', round: 2, reopenReason: '颜色不一致' });
    expect(Date.parse(reopened.body.responseDueAt)).toBeGreaterThan(Date.parse(c.responseDueAt));
    expect((await act('accept', cast.customer.token)).status).toBe(409);

    // resolving an open complaint directly is its first response
    expect((await act('resolve', cast.pm.token, { resolution: '整面重刷' })).body.status).toBe('resolved');
    const closed = await act('accept', cast.customer.token);
    expect(closed.body).toMatchObject({ status: 'closed', statusLabel: '已关闭' });
    expect(closed.body.closedAt).not.toBeNull();
    expect((await act('reopen', cast.customer.token, { reason: '又裂了' })).status).toBe(409);

    const audit = await sys.server.container.audit.forResource('complaint', c.id);
    expect(audit.map((a) => a.action).reverse()).toEqual([
      'complaint.opened',
      'complaint.acknowledged',
      'complaint.resolved',
      'complaint.reopened',
      'complaint.resolved',
      'complaint.closed',
    ]);
    await drain();
    expect(await inboxTitles(sys, cast.customer.token)).toContain('投诉已处理');
  });

  it('counts as an open complaint in the customer score until it is closed', async () => {
    const score = async () => {
      const res = await get(`/customers/${cast.customer.id}/score`, cast.admin.token);
      return res.body.factors.find((f: { factor: string }) => f.factor === 'openComplaints');
    };
    const before = (await score()).raw;
    const c = await raise();
    expect(await score()).toMatchObject({ raw: before + 1, hasProvider: true });
    await post(`/complaints/${c.id}/resolve`, { resolution: '已处理' }, cast.pm.token);
    await post(`/complaints/${c.id}/accept`, {}, cast.customer.token);
    expect((await score()).raw).toBe(before);
  });
});

describe('deadline escalation', () => {
  const marker = (id: string) =>
    sys.server.container.models.feedbackEscalations.find({ refId: new Types.ObjectId(id) }).lean();

  it('escalates a breached first response once to the PM manager, however often the job runs', async () => {
    const late = await raise(cast.service.token, { receivedAt: hoursAgo(9) });
    const fresh = await raise();
    expect(late.overdue).toBe(true);
    const overdue = (await get(`/complaints?overdue=true&projectId=${project.id}&limit=100`, cast.pm.token))
      .body;
    expect(overdue.items.map((i: { id: string }) => i.id)).toContain(late.id);
    expect(overdue.items.map((i: { id: string }) => i.id)).not.toContain(fresh.id);

    const first = await runJob(sys, cast.admin.token, 'feedback.escalate-overdue');
    expect(first).toMatchObject({ outcome: 'succeeded' });
    expect(first.result.escalated).toBeGreaterThanOrEqual(1);
    await runJob(sys, cast.admin.token, 'feedback.escalate-overdue');
    const escalation = sys.server.container.services.feedbackEscalation;
    await Promise.all([escalation.escalateOverdue(), escalation.escalateOverdue()]);

    const after = (await get(`/complaints/${late.id}`, cast.pm.token)).body;
    expect(after.escalations).toEqual([
      expect.objectContaining({ deadline: 'response', round: 1, managerId: cast.manager.id }),
    ]);
    expect(await marker(late.id)).toHaveLength(1);
    expect(await marker(fresh.id)).toHaveLength(0);
    const audit = await sys.server.container.audit.forResource('complaint', late.id);
    expect(audit.filter((a) => a.action === 'complaint.escalated')).toHaveLength(1);

    await drain();
    const managerInbox = await inboxTitles(sys, cast.manager.token);
    expect(managerInbox.filter((t) => t === '投诉已升级')).toHaveLength(1);
    const wecom = sys.sim
      .messages()
      .filter((m) => m.kind === 'wecom' && JSON.stringify(m).includes('首次响应超时'));
    expect(wecom).toHaveLength(1);
  });

  it('finishes an escalation whose run died right after claiming the marker', async () => {
    const c = await raise(cast.service.token, { receivedAt: hoursAgo(9) });
    // What a run killed between the marker insert and the rest leaves behind: the marker alone.
    await sys.server.container.models.feedbackEscalations.collection.insertOne({
      key: `complaint:${c.id}:1:response`,
      kind: 'complaint',
      refId: new Types.ObjectId(c.id),
      round: 1,
      deadline: 'response',
      dueAt: new Date(c.responseDueAt),
      managerId: cast.manager.id,
      fallbackStaffIds: [],
      publishedAt: null,
      createdAt: new Date(Date.now() - 10 * 60_000),
    });
    await drain();
    const before = (await inboxTitles(sys, cast.manager.token)).filter((t) => t === '投诉已升级').length;
    const result = await sys.server.container.services.feedbackEscalation.escalateOverdue();
    expect(result.recovered).toBe(1);
    await sys.server.container.services.feedbackEscalation.escalateOverdue();
    expect((await get(`/complaints/${c.id}`, cast.pm.token)).body.escalations).toHaveLength(1);
    expect((await marker(c.id))[0]!.publishedAt).not.toBeNull();
    await drain();
    const now = (await inboxTitles(sys, cast.manager.token)).filter((t) => t === '投诉已升级').length;
    expect(now).toBe(before + 1);
  });

  it('escalates the resolution deadline separately, and to the admins when the PM has no manager', async () => {
    const noManager = await castProject(sys, cast, { pmId: cast.otherPm.id });
    const res = await post(
      '/complaints',
      {
        projectId: noManager.id,
        category: 'schedule',
        description: '工期拖延两周',
        receivedAt: hoursAgo(73),
      },
      cast.service.token,
    );
    await sys.server.container.services.feedbackEscalation.escalateOverdue();
    const after = (await get(`/complaints/${res.body.id}`, cast.admin.token)).body;
    expect(after.escalations.map((e: { deadline: string }) => e.deadline).sort()).toEqual([
      'resolution',
      'response',
    ]);
    expect(after.escalations.every((e: { managerId: string | null }) => e.managerId === null)).toBe(true);
    await drain();
    expect((await inboxTitles(sys, cast.admin.token)).filter((t) => t === '投诉已升级')).toHaveLength(2);
  });
});
