import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import type { MilestoneDetail, MilestoneView } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';
import { uploadPhoto } from '../support/portal-project';
import { subscribeMessagesTo } from '../support/notify';

const DAY_MS = 86_400_000;
const JOB = 'projects.auto-confirm-milestones';
let sys: TestSystem;
let admin: string;
let pm: { id: string; token: string };
let engineer: { id: string; token: string };
let outsider: { id: string; token: string };
let own: { customerId: string; token: string; accountId: string; openid: string };
let other: { customerId: string; token: string; accountId: string; openid: string };
let projectId: string;
let milestones: MilestoneView[];

async function staff(role: 'pm' | 'engineer' | 'admin') {
  const user = await sys.seed.staff(role);
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}

async function portal(name: string) {
  const openid = `o_${name}_${new Types.ObjectId().toHexString().slice(-6)}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name });
  const account = await sys.server.container.models.portalAccounts.findOne({ openid }).lean();
  return {
    customerId: customer.id,
    token: await sys.loginWechat(openid),
    accountId: String(account!._id),
    openid,
  };
}

const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const notices = (filter: Record<string, unknown>) => sys.server.container.models.notices.find(filter).lean();
const decisions = () => sys.server.container.conn.collection('milestone_decisions');

async function submitted(id: string) {
  expect((await post(`/milestones/${id}/start`, {}, engineer.token)).status).toBe(200);
  const photo = await uploadPhoto(sys, engineer.token, projectId, false);
  const res = await post(
    `/milestones/${id}/submit`,
    { note: '已完工', photoIds: [photo.id] },
    engineer.token,
  );
  expect(res.status).toBe(200);
  return res.body as MilestoneDetail;
}

beforeAll(async () => {
  sys = await startTestSystem();
  admin = (await staff('admin')).token;
  [pm, engineer, outsider] = [await staff('pm'), await staff('engineer'), await staff('engineer')];
  own = await portal('华景置业');
  other = await portal('别家公司');
  const created = await post(
    '/projects',
    {
      name: '滨江苑装修',
      type: 'renovation',
      customerId: own.customerId,
      address: '杭州市滨江区江南大道 1 号',
      engineerIds: [engineer.id],
      plannedStart: '2026-11-01',
      plannedEnd: '2027-02-28',
    },
    pm.token,
  );
  projectId = created.body.id;
  milestones = (await get(`/projects/${projectId}/milestones`, own.token)).body.items;
});

afterAll(async () => {
  await sys.close();
});

describe('reading milestones', () => {
  it('lists the template milestones in order to the customer; 404 to strangers', async () => {
    expect(milestones.map((m) => [m.seq, m.name, m.status])).toEqual([
      [0, '拆除及水电改造', 'pending'],
      [1, '泥瓦及木作完工', 'pending'],
      [2, '油漆及安装完工', 'pending'],
      [3, '竣工验收', 'pending'],
    ]);
    expect((await get(`/projects/${projectId}/milestones`, other.token)).status).toBe(404);
    expect((await get(`/projects/${projectId}/milestones`, outsider.token)).status).toBe(404);
    expect((await get(`/milestones/${milestones[0]!.id}`, other.token)).status).toBe(404);
    expect((await get(`/milestones/${milestones[0]!.id}`, outsider.token)).status).toBe(404);
    expect((await get(`/milestones/${new Types.ObjectId().toHexString()}`, admin)).status).toBe(404);
  });
});

describe('adding and editing milestones (PM or admin)', () => {
  it('appends a milestone, edits it, and refuses engineers, customers and backwards dates', async () => {
    const body = { name: '软装进场', plannedStart: '2027-02-20', plannedEnd: '2027-02-27', weight: 2 };
    expect((await post(`/projects/${projectId}/milestones`, body, engineer.token)).status).toBe(403);
    expect((await post(`/projects/${projectId}/milestones`, body, own.token)).status).toBe(403);
    expect((await post(`/projects/${projectId}/milestones`, body, outsider.token)).status).toBe(404);
    const res = await post(`/projects/${projectId}/milestones`, body, pm.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ seq: 4, name: '软装进场', weight: 2, status: 'pending' });
    const edit = (b: unknown, token: string) =>
      sys.api.request('PATCH', `/api/v1/milestones/${res.body.id}`, { body: b, token });
    expect((await edit({ name: '软装' }, engineer.token)).status).toBe(403);
    expect((await edit({ plannedEnd: '2027-01-01' }, pm.token)).status).toBe(400);
    const ok = await edit({ name: '软装及清洁', plannedEnd: '2027-02-28' }, admin);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: '软装及清洁', plannedEnd: '2027-02-28' });
    const audit = await sys.server.container.audit.forResource('milestone', res.body.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['milestone.create', 'milestone.update']);
  });
});

describe('start and submit (the PM or an engineer on the project)', () => {
  it('starts a pending milestone once; customers 403, strangers 404', async () => {
    const id = milestones[0]!.id;
    expect((await post(`/milestones/${id}/start`, {}, own.token)).status).toBe(403);
    expect((await post(`/milestones/${id}/start`, {}, outsider.token)).status).toBe(404);
    const res = await post(`/milestones/${id}/start`, {}, engineer.token);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in_progress');
    expect(res.body.actualStart).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await post(`/milestones/${id}/start`, {}, engineer.token)).status).toBe(409);
  });

  it('requires photo evidence, refuses customers and pending milestones, then asks the customer', async () => {
    const id = milestones[0]!.id;
    const photo = await uploadPhoto(sys, engineer.token, projectId, false);
    expect(
      (await post(`/milestones/${id}/submit`, { note: '完工', photoIds: [] }, engineer.token)).status,
    ).toBe(400);
    expect((await post(`/milestones/${id}/submit`, { photoIds: [photo.id] }, own.token)).status).toBe(403);
    const pending = milestones[1]!.id;
    expect(
      (await post(`/milestones/${pending}/submit`, { photoIds: [photo.id] }, engineer.token)).status,
    ).toBe(409);
    const res = await post(
      `/milestones/${id}/submit`,
      { note: '水电已验收', photoIds: [photo.id] },
      engineer.token,
    );
    expect(res.status).toBe(200);
    const m = res.body as MilestoneDetail;
    expect(m).toMatchObject({ status: 'awaiting_confirmation', round: 1 });
    expect(m.evidence).toMatchObject({ round: 1, note: '水电已验收', submittedBy: { id: engineer.id } });
    expect(m.autoConfirmAt).not.toBeNull();

    // the photo was made customer-visible by the submission: the customer sees it
    const seen = (await get(`/milestones/${id}`, own.token)).body as MilestoneDetail;
    expect(seen.evidence!.photos.map((p) => p.id)).toEqual([photo.id]);
    const notice = await notices({
      eventType: 'milestone.awaiting_confirmation',
      recipientId: own.accountId,
    });
    expect(notice.map((n) => n.channel)).toContain('inbox');
    // the timeline is read through the timeline service (its route belongs to the portal module)
    const timeline = await sys.server.container.timeline.page(
      {
        id: own.accountId,
        kind: 'portal',
        role: 'customer',
        name: '',
        customerId: own.customerId,
        sessionId: '',
      },
      projectId,
      { limit: 20 },
    );
    expect(timeline.items.map((t) => t.title)).toContain('「拆除及水电改造」已完工，待客户确认');
  });
});

describe("the customer's decision", () => {
  it("is the customer's only: engineers and admins 403, another customer 404; a rejection needs a reason", async () => {
    const id = milestones[0]!.id;
    for (const token of [engineer.token, pm.token, admin])
      expect((await post(`/milestones/${id}/confirm`, { decision: 'confirm' }, token)).status).toBe(403);
    expect((await post(`/milestones/${id}/confirm`, { decision: 'confirm' }, other.token)).status).toBe(404);
    expect(
      (await post(`/milestones/${id}/confirm`, { decision: 'reject', comment: ' ' }, own.token)).status,
    ).toBe(400);
  });

  it('a rejection with reason sends the milestone back to in_progress; repeats answer the same, changes 409', async () => {
    const id = milestones[0]!.id;
    const body = { decision: 'reject', comment: '卫生间墙面有裂缝' };
    const res = await post(`/milestones/${id}/confirm`, body, own.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ round: 1, decision: 'reject', status: 'in_progress', automatic: false });
    const again = await post(`/milestones/${id}/confirm`, body, own.token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect((await post(`/milestones/${id}/confirm`, { decision: 'confirm' }, own.token)).status).toBe(409);

    const m = (await get(`/milestones/${id}`, pm.token)).body as MilestoneDetail;
    expect(m.status).toBe('in_progress');
    expect(m.confirmation).toMatchObject({
      decision: 'reject',
      comment: '卫生间墙面有裂缝',
      by: { id: own.accountId },
    });
    expect(m.rounds).toHaveLength(1);
    const audit = await sys.server.container.audit.forResource('milestone', id);
    const moves = audit
      .filter((a) => a.action === 'milestone.status')
      .map((a: any) => `${a.before.status}>${a.after.status}`);
    expect(moves.sort()).toEqual(
      [
        'awaiting_confirmation>rejected',
        'in_progress>awaiting_confirmation',
        'pending>in_progress',
        'rejected>in_progress',
      ].sort(),
    );
    const told = await notices({ eventType: 'milestone.rejected', recipientId: pm.id, channel: 'inbox' });
    expect(told).toHaveLength(1);
  });

  it('10 concurrent confirms of the resubmitted round make one decision, one notice, one body', async () => {
    const id = milestones[0]!.id;
    const photo = await uploadPhoto(sys, engineer.token, projectId, true);
    const resubmit = await post(
      `/milestones/${id}/submit`,
      { note: '裂缝已修补', photoIds: [photo.id] },
      engineer.token,
    );
    expect(resubmit.body.round).toBe(2);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(`/milestones/${id}/confirm`, { decision: 'confirm', comment: '满意' }, own.token),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    expect(results[0]!.body).toMatchObject({ round: 2, decision: 'confirm', status: 'confirmed' });
    expect(await decisions().countDocuments({ milestoneId: new Types.ObjectId(id), round: 2 })).toBe(1);
    const told = await notices({ eventType: 'milestone.confirmed', recipientId: pm.id, channel: 'inbox' });
    expect(told).toHaveLength(1);

    const m = (await get(`/milestones/${id}`, own.token)).body as MilestoneDetail;
    expect(m).toMatchObject({ status: 'confirmed', round: 2 });
    expect(m.actualEnd).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(m.rounds.map((r) => r.confirmation?.decision)).toEqual(['reject', 'confirm']);
    // a late retry of the old round's rejection answers that round's decision, not a new one
    const late = await post(
      `/milestones/${id}/confirm`,
      { decision: 'reject', comment: '卫生间墙面有裂缝', round: 1 },
      own.token,
    );
    expect(late.status).toBe(200);
    expect(late.body.round).toBe(1);
    expect(
      (await post(`/milestones/${id}/confirm`, { decision: 'reject', comment: '不满意' }, own.token)).status,
    ).toBe(409);
    const project = (await get(`/projects/${projectId}`, own.token)).body;
    expect(project.progress).toBe(17); // weight 1 of 1+1+1+1+2
  });
});

describe('automatic confirmation after the window', () => {
  it('leaves milestones inside the window, confirms the overdue ones as automatic and tells both sides', async () => {
    const id = milestones[1]!.id;
    await submitted(id);
    const run = (days: number) =>
      sys.server.container.scheduler.runTick(JOB, new Date(Date.now() + days * DAY_MS));
    const early = await run(6);
    expect(early?.outcome).toBe('succeeded');
    expect(early?.result).toEqual({ confirmed: 0 });
    expect(((await get(`/milestones/${id}`, own.token)).body as MilestoneDetail).status).toBe(
      'awaiting_confirmation',
    );

    const due = await run(7.01);
    expect(due?.result).toEqual({ confirmed: 1 });
    const m = (await get(`/milestones/${id}`, own.token)).body as MilestoneDetail;
    expect(m.status).toBe('confirmed');
    expect(m.confirmation).toMatchObject({ decision: 'confirm', automatic: true, by: null });

    const auto = await notices({ eventType: 'milestone.auto_confirmed', channel: 'inbox' });
    expect(auto.map((n) => n.recipientId).sort()).toEqual([own.accountId, pm.id, engineer.id].sort());
    // the PM is not also told "the customer confirmed"
    const confirmedToPm = await notices({
      eventType: 'milestone.confirmed',
      recipientId: pm.id,
      channel: 'inbox',
    });
    expect(confirmedToPm).toHaveLength(1); // the earlier, customer-made confirmation only
    // the customer can no longer decide on it
    expect(
      (await post(`/milestones/${id}/confirm`, { decision: 'reject', comment: '晚了' }, own.token)).status,
    ).toBe(409);
    expect((await run(14))?.result).toEqual({ confirmed: 0 });
  });
});

describe('automatic confirmation re-run after a crash', () => {
  it('finishes a confirmation whose run died after recording the decision', async () => {
    const id = milestones[3]!.id;
    const m = await submitted(id);
    // What a run killed between its two writes leaves: the round's decision, the milestone untouched.
    await decisions().insertOne({
      milestoneId: new Types.ObjectId(id),
      projectId: new Types.ObjectId(projectId),
      round: m.round,
      decision: 'confirm',
      comment: '',
      photoIds: [],
      by: null,
      automatic: true,
      at: new Date(),
    });
    const toldCustomer = () =>
      notices({ eventType: 'milestone.auto_confirmed', channel: 'inbox', recipientId: own.accountId });
    const toldBefore = (await toldCustomer()).length;
    const rerun = await sys.server.container.scheduler.runTick(JOB, new Date(Date.now() + 7.01 * DAY_MS));
    expect(rerun?.outcome).toBe('succeeded');
    const after = (await get(`/milestones/${id}`, own.token)).body as MilestoneDetail;
    expect(after.status).toBe('confirmed');
    expect(after.confirmation).toMatchObject({ decision: 'confirm', automatic: true });
    expect(await toldCustomer()).toHaveLength(toldBefore + 1);
    expect(await decisions().countDocuments({ milestoneId: new Types.ObjectId(id) })).toBe(1);
  });
});

describe('the WeChat subscribe message for a milestone awaiting confirmation', () => {
  it('is sent only once the customer granted the template', async () => {
    const drain = () => sys.server.container.outboxWorker.drain();
    await drain();
    // milestones 1 and 2 were submitted above without any grant: inbox only
    expect(subscribeMessagesTo(sys, own.openid)).toHaveLength(0);
    sys.sim.grantSubscription(own.openid, 'TPL_MILESTONE_AWAITING', 1);
    const grant = await post('/subscriptions', { results: { TPL_MILESTONE_AWAITING: 'accept' } }, own.token);
    expect(grant.status).toBe(200);
    await submitted(milestones[2]!.id);
    await drain();
    const sent = subscribeMessagesTo(sys, own.openid);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain('油漆及安装完工');
  });
});
