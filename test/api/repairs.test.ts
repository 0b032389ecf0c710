import { startTestSystem, type TestSystem } from '../support/system';
import { subscribeMessagesTo } from '../support/notify';
import {
  castProject,
  feedbackCast,
  inboxTitles,
  runJob,
  uploadPhoto,
  type FeedbackCast,
} from '../support/feedback-cast';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TPL = 'TPL_REPAIR_VISIT';
let sys: TestSystem;
let cast: FeedbackCast;
/** Handed over 90 days ago: inside the default 24-month warranty. */
let warranty: { id: string; name: string };

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await feedbackCast(sys, { templateId: TPL, grants: 1 });
  warranty = await castProject(sys, cast, {
    status: 'warranty',
    actualEnd: new Date(Date.now() - 90 * DAY_MS),
  });
});
afterAll(async () => {
  await sys?.close();
});

const drain = () => sys.server.container.outboxWorker.drain();
const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);

async function file(
  projectId = warranty.id,
  token = cast.customer.token,
  extra: Record<string, unknown> = {},
) {
  const res = await post(
    `/projects/${projectId}/repairs`,
    { description: '卫生间地漏返水', location: '2 号楼 1201 卫生间', ...extra },
    token,
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe('filing a repair', () => {
  it('inside the warranty: not chargeable, warranty end = handover + 24 months, the PM is told', async () => {
    const photo = await uploadPhoto(sys, cast.customer.token);
    const r = await file(warranty.id, cast.customer.token, { photoIds: [photo.id] });
    expect(r).toMatchObject({
      status: 'submitted',
      chargeable: false,
      round: 1,
      priority: null,
      overdue: false,
    });
    expect(r.photos).toHaveLength(1);
    const ends = new Date(r.warrantyEndsAt);
    const handover = new Date(Date.now() - 90 * DAY_MS);
    expect(ends.getUTCFullYear() * 12 + ends.getUTCMonth()).toBe(
      handover.getUTCFullYear() * 12 + handover.getUTCMonth() + 24,
    );
    expect(Date.parse(r.responseDueAt) - Date.parse(r.filedAt)).toBe(8 * HOUR_MS);
    await drain();
    expect(await inboxTitles(sys, cast.pm.token)).toContain('新报修');
  });

  it('after the warranty (project warrantyMonths 12, handed over 2 years ago): chargeable, shown to both sides', async () => {
    const old = await castProject(sys, cast, {
      status: 'closed',
      actualEnd: new Date(Date.now() - 730 * DAY_MS),
      warrantyMonths: 12,
    });
    const r = await file(old.id);
    expect(r.chargeable).toBe(true);
    expect(Date.parse(r.warrantyEndsAt)).toBeLessThan(Date.now());
    expect((await get(`/repairs/${r.id}`, cast.pm.token)).body.chargeable).toBe(true);
  });

  it('a project still under construction takes no repairs (409); strangers get 404', async () => {
    const active = await castProject(sys, cast, { status: 'active' });
    const body = { description: '漏水', location: '客厅' };
    expect((await post(`/projects/${active.id}/repairs`, body, cast.customer.token)).status).toBe(409);
    expect((await post(`/projects/${warranty.id}/repairs`, body, cast.otherCustomer.token)).status).toBe(404);
    expect((await post(`/projects/${warranty.id}/repairs`, body, cast.outsider.token)).status).toBe(404);
  });
});

describe('who sees a repair', () => {
  it('404 for another customer and an engineer not on the project; lists are scoped', async () => {
    const r = await file();
    expect((await get(`/repairs/${r.id}`, cast.otherCustomer.token)).status).toBe(404);
    expect((await get(`/repairs/${r.id}`, cast.outsider.token)).status).toBe(404);
    expect((await get(`/repairs/${r.id}`, cast.engineer.token)).status).toBe(200);
    expect((await get(`/projects/${warranty.id}/repairs`, cast.otherCustomer.token)).status).toBe(404);
    const ids = async (path: string, token: string) =>
      (await get(path, token)).body.items.map((i: { id: string }) => i.id);
    expect(await ids(`/projects/${warranty.id}/repairs?limit=100`, cast.customer.token)).toContain(r.id);
    expect(await ids('/repairs?limit=100', cast.service.token)).toContain(r.id);
    expect(await ids('/repairs?limit=100', cast.outsider.token)).toEqual([]);
    expect(await ids('/repairs?limit=100', cast.otherCustomer.token)).toEqual([]);
  });
});

describe('repair transitions', () => {
  it('triage → schedule (customer told the time) → fix → reopen → schedule → fix → confirm with a rating', async () => {
    const r = await file();
    const act = (what: string, token: string, body: unknown = {}) =>
      post(`/repairs/${r.id}/${what}`, body, token);
    const visitAt = new Date(Date.now() + 2 * DAY_MS).toISOString();

    expect((await act('fix', cast.engineer.token, { note: '已修' })).status).toBe(409);
    expect((await act('schedule', cast.pm.token, { visitAt })).status).toBe(409);
    expect(
      (await act('triage', cast.customer.token, { priority: 'high', assigneeId: cast.engineer.id })).status,
    ).toBe(403);
    const triaged = await act('triage', cast.pm.token, { priority: 'high', assigneeId: cast.engineer.id });
    expect(triaged.body).toMatchObject({
      status: 'triaged',
      priority: 'high',
      assignee: { id: cast.engineer.id },
    });
    expect(Date.parse(triaged.body.resolutionDueAt) - Date.parse(r.filedAt)).toBe(48 * HOUR_MS);
    const clock = await sys.server.container.models.responseClocks.findOne({ key: `repair:${r.id}` }).lean();
    expect(clock).toMatchObject({ answeredBy: { id: cast.pm.id } });

    const scheduled = await act('schedule', cast.engineer.token, { visitAt });
    expect(scheduled.body).toMatchObject({ status: 'scheduled', visitAt });
    await drain();
    expect(await inboxTitles(sys, cast.customer.token)).toContain('维修上门时间');
    const sent = subscribeMessagesTo(sys, cast.customer.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: TPL,
      data: {
        thing2: { value: '2 号楼 1201 卫生间' },
        time3: { value: expect.stringMatching(/^\d{4}.\d{1,2}.\d{1,2}/) },
        name4: { value: '陈刚' },
      },
    });

    expect((await act('confirm', cast.customer.token, { rating: 5 })).status).toBe(409); // not fixed yet
    const fixPhoto = await uploadPhoto(sys, cast.engineer.token);
    const fixed = await act('fix', cast.engineer.token, { note: '更换地漏芯', photoIds: [fixPhoto.id] });
    expect(fixed.body).toMatchObject({
      status: 'fixed',
      fixNote: '更换地漏芯',
      fixedBy: { id: cast.engineer.id },
    });
    expect(fixed.body.fixPhotos).toHaveLength(1);
    expect((await act('cancel', cast.customer.token, { reason: '不修了' })).status).toBe(409);
    expect((await act('confirm', cast.pm.token, { rating: 5 })).status).toBe(403);

    const reopened = await act('reopen', cast.customer.token, { reason: '还是返水' });
    expect(reopened.body).toMatchObject({
      status: 'reopened',
      round: 2,
      reopenReason: '还是返水',
      visitAt: null,
    });
    await act('schedule', cast.pm.token, { visitAt });
    await act('fix', cast.engineer.token, { note: '重做防水' });
    const confirmed = await act('confirm', cast.customer.token, { rating: 4, comment: '师傅很认真' });
    expect(confirmed.body).toMatchObject({ status: 'confirmed', rating: 4, ratingComment: '师傅很认真' });
    expect((await act('reopen', cast.customer.token, { reason: 'x' })).status).toBe(409);

    // the customer's project timeline shows the filing and both fixes
    const timeline = await get(`/projects/${warranty.id}/timeline?limit=100`, cast.customer.token);
    const mine = timeline.body.items.filter((i: { refId: string }) => i.refId === r.id);
    expect(mine.map((i: { title: string }) => i.title)).toEqual([
      '维修完成：2 号楼 1201 卫生间',
      '维修完成：2 号楼 1201 卫生间',
      '报修：2 号楼 1201 卫生间',
    ]);
    expect(mine[1].photos).toHaveLength(1);

    const audit = await sys.server.container.audit.forResource('repair', r.id);
    expect(audit.map((a) => a.action).reverse()).toEqual([
      'repair.filed',
      'repair.triaged',
      'repair.scheduled',
      'repair.fixed',
      'repair.reopened',
      'repair.scheduled',
      'repair.fixed',
      'repair.confirmed',
    ]);
  });

  it('the customer may cancel an unfixed repair; an assignee must be active staff', async () => {
    const r = await file();
    const bad = await post(
      `/repairs/${r.id}/triage`,
      { priority: 'low', assigneeId: cast.customer.id },
      cast.pm.token,
    );
    expect(bad.status).toBe(400);
    const cancelled = await post(`/repairs/${r.id}/cancel`, { reason: '自己修好了' }, cast.customer.token);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '自己修好了' });
    expect(
      (
        await post(
          `/repairs/${r.id}/triage`,
          { priority: 'low', assigneeId: cast.engineer.id },
          cast.pm.token,
        )
      ).status,
    ).toBe(409);
  });
});

describe('repair deadlines', () => {
  it('a repair reported 9 hours ago and not triaged escalates once to the PM manager', async () => {
    const late = await file(warranty.id, cast.service.token, {
      receivedAt: new Date(Date.now() - 9 * HOUR_MS).toISOString(),
    });
    expect(late.overdue).toBe(true);
    const overdue = await get('/repairs?overdue=true&limit=100', cast.service.token);
    expect(overdue.body.items.map((i: { id: string }) => i.id)).toContain(late.id);

    await runJob(sys, cast.admin.token, 'feedback.escalate-overdue');
    await runJob(sys, cast.admin.token, 'feedback.escalate-overdue');
    const after = (await get(`/repairs/${late.id}`, cast.pm.token)).body;
    expect(after.escalations).toEqual([
      expect.objectContaining({ deadline: 'response', round: 1, managerId: cast.manager.id }),
    ]);
    await drain();
    expect((await inboxTitles(sys, cast.manager.token)).filter((t) => t === '报修已升级')).toHaveLength(1);
  });
});
