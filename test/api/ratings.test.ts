import { Types } from 'mongoose';
import type { DomainEvent } from '../../server/src/core/events';
import { milestoneModels } from '../../server/src/modules/projects/milestone.model';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  castProject,
  changeCast,
  inboxTitles,
  type CastProject,
  type ChangeCast,
} from '../support/change-cast';

let sys: TestSystem;
let cast: ChangeCast;
let rated: CastProject;
const lowEvents: DomainEvent[] = [];

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await changeCast(sys);
  rated = await castProject(sys, cast, { statuses: ['confirmed', 'confirmed', 'confirmed', 'pending'] });
  sys.server.container.events.subscribe('rating.low', async (e) => {
    lowEvents.push(e);
  });
});
afterAll(async () => {
  await sys?.close();
});

const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const put = (path: string, body: unknown, token: string) =>
  sys.api.request('PUT', `/api/v1${path}`, { token, body });
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const stars = (overall: number, comment = '') => ({
  overall,
  quality: overall,
  schedule: 4,
  communication: 5,
  tidiness: 3,
  comment,
});

async function satisfaction() {
  const res = await get(`/customers/${cast.customer.id}/score`, cast.admin.token);
  expect(res.status).toBe(200);
  const factor = res.body.factors.find((f: { factor: string }) => f.factor === 'satisfaction');
  const stored = await sys.server.container.models.customers.findById(cast.customer.id).lean();
  return { raw: factor.raw as number, hasProvider: factor.hasProvider as boolean, stored: stored?.score };
}

describe('being invited and rating', () => {
  it('after the customer confirms a milestone they are invited to rate it; before that it cannot be rated', async () => {
    const project = await castProject(sys, cast, { statuses: ['awaiting_confirmation', 'pending'] });
    const [awaiting] = project.milestoneIds as [string];
    const { milestones } = milestoneModels(sys.server.container.conn);
    await milestones.updateOne(
      { _id: new Types.ObjectId(awaiting) },
      { $set: { round: 1, submittedAt: new Date() } },
    );
    const early = await post(`/milestones/${awaiting}/rating`, stars(5), cast.customer.token);
    expect(early.status).toBe(409);
    const confirm = await post(
      `/milestones/${awaiting}/confirm`,
      { decision: 'confirm' },
      cast.customer.token,
    );
    expect(confirm.status).toBe(200);
    expect(await inboxTitles(sys, cast.customer.token)).toContain('请为本阶段评分');
    const res = await post(`/milestones/${awaiting}/rating`, stars(5, '很满意'), cast.customer.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subject: 'milestone',
      subjectId: awaiting,
      overall: 5,
      comment: '很满意',
    });
    expect(res.body).toMatchObject({ editable: true, followUpTaskId: null, customerId: cast.customer.id });
    const window = Date.parse(res.body.editableUntil) - Date.parse(res.body.createdAt);
    expect(Math.abs(window - 7 * 86_400_000)).toBeLessThan(1000);
  });

  it('only the customer rates; staff read it; another customer gets 404; scores are 1–5 integers', async () => {
    const id = rated.milestoneIds[0]!;
    expect((await post(`/milestones/${id}/rating`, stars(4), cast.pm.token)).status).toBe(403);
    expect((await post(`/milestones/${id}/rating`, stars(4), cast.otherCustomer.token)).status).toBe(404);
    expect((await get(`/milestones/${id}/rating`, cast.customer.token)).status).toBe(404);
    for (const bad of [{ overall: 0 }, { overall: 6 }, { quality: 3.5 }, { tidiness: undefined }])
      expect(
        (await post(`/milestones/${id}/rating`, { ...stars(4), ...bad }, cast.customer.token)).status,
      ).toBe(400);
    const rating = await post(`/milestones/${id}/rating`, stars(4), cast.customer.token);
    expect(rating.status).toBe(200);
    const byPm = await get(`/milestones/${id}/rating`, cast.pm.token);
    expect(byPm.body).toMatchObject({ id: rating.body.id, overall: 4 });
    expect((await get(`/milestones/${id}/rating`, cast.otherCustomer.token)).status).toBe(404);
  });
});

describe('one rating per milestone, editable for 7 days', () => {
  it('rating again (from any account of the customer) changes the one rating; the database refuses a second', async () => {
    const id = rated.milestoneIds[1]!;
    const first = await post(`/milestones/${id}/rating`, stars(3), cast.customer.token);
    const again = await post(`/milestones/${id}/rating`, stars(4, '改一下'), cast.customer.secondToken);
    expect(again.body).toMatchObject({ id: first.body.id, overall: 4, comment: '改一下' });
    const edited = await put(`/milestones/${id}/rating`, stars(5), cast.customer.token);
    expect(edited.body).toMatchObject({ id: first.body.id, overall: 5 });
    const { ratings } = sys.server.container.models;
    expect(await ratings.countDocuments({ subjectId: new Types.ObjectId(id) })).toBe(1);
    const copy = await ratings.findById(first.body.id).lean();
    await expect(ratings.create({ ...copy, _id: new Types.ObjectId() })).rejects.toMatchObject({
      code: 11000,
    });
    const audit = await sys.server.container.audit.forResource('rating', first.body.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['rating.created', 'rating.updated', 'rating.updated']);
  });

  it('after the window the rating is locked (409); PUT without a rating is 404', async () => {
    const id = rated.milestoneIds[1]!;
    const current = await get(`/milestones/${id}/rating`, cast.customer.token);
    await sys.server.container.models.ratings.updateOne(
      { _id: new Types.ObjectId(current.body.id) },
      { $set: { editableUntil: new Date(Date.now() - 1000) } },
    );
    const late = await post(`/milestones/${id}/rating`, stars(1), cast.customer.token);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('RATING_LOCKED');
    expect((await put(`/milestones/${id}/rating`, stars(1), cast.customer.token)).status).toBe(409);
    expect((await get(`/milestones/${id}/rating`, cast.customer.token)).body).toMatchObject({
      overall: 5,
      editable: false,
    });
    const fresh = await castProject(sys, cast, { statuses: ['confirmed'] });
    expect(
      (await put(`/milestones/${fresh.milestoneIds[0]}/rating`, stars(3), cast.customer.token)).status,
    ).toBe(404);
  });
});

describe('a low rating', () => {
  it('opens one follow-up task for the PM and publishes rating.low once, however often it is edited', async () => {
    const id = rated.milestoneIds[2]!;
    const res = await post(`/milestones/${id}/rating`, stars(2, '工地很乱'), cast.customer.token);
    expect(res.body.followUpTaskId).toEqual(expect.any(String));
    await post(`/milestones/${id}/rating`, stars(1, '更差了'), cast.customer.token);
    const mine = lowEvents.filter((e) => e.payload.ratingId === res.body.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload).toMatchObject({ pmId: cast.pm.id, managerId: cast.manager.id, rating: 2 });
    expect(await inboxTitles(sys, cast.pm.token)).toContain('收到低分评价');
    expect(await inboxTitles(sys, cast.manager.token)).toContain('收到低分评价');
    const tasks = await get('/follow-up-tasks?status=open', cast.pm.token);
    const task = tasks.body.items.filter((t: { ratingId: string }) => t.ratingId === res.body.id);
    expect(task).toHaveLength(1);
    expect(task[0]).toMatchObject({
      id: res.body.followUpTaskId,
      overall: 2,
      comment: '工地很乱',
      projectName: rated.name,
    });
  });

  it("the PM closes it with the result; others don't see it; a 4 opens nothing", async () => {
    const tasks = await get('/follow-up-tasks?status=open', cast.pm.token);
    const task = tasks.body.items[0];
    expect((await get('/follow-up-tasks', cast.otherPm.token)).body.items).toEqual([]);
    expect((await get('/follow-up-tasks', cast.engineer.token)).status).toBe(403);
    const body = { note: '已电话回访，周末整理现场' };
    expect((await post(`/follow-up-tasks/${task.id}/close`, body, cast.otherPm.token)).status).toBe(404);
    const closed = await post(`/follow-up-tasks/${task.id}/close`, body, cast.pm.token);
    expect(closed.body).toMatchObject({ status: 'closed', note: body.note, closedBy: { id: cast.pm.id } });
    expect((await post(`/follow-up-tasks/${task.id}/close`, body, cast.pm.token)).status).toBe(409);
    const service = await get('/follow-up-tasks?status=closed', cast.service.token);
    expect(service.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    const before = lowEvents.length;
    const fine = await castProject(sys, cast, { statuses: ['confirmed'] });
    const ok = await post(`/milestones/${fine.milestoneIds[0]}/rating`, stars(4), cast.customer.token);
    expect(ok.body.followUpTaskId).toBeNull();
    expect(lowEvents.length).toBe(before);
  });
});

describe('the project rating and the customer score', () => {
  it('a project is rated once it is completed, not while active', async () => {
    expect((await post(`/projects/${rated.id}/rating`, stars(4), cast.customer.token)).status).toBe(409);
    const done = await castProject(sys, cast, { status: 'completed', statuses: ['confirmed'] });
    const res = await post(`/projects/${done.id}/rating`, stars(4, '整体不错'), cast.customer.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subject: 'project', subjectId: done.id, overall: 4 });
    expect((await get(`/projects/${done.id}/rating`, cast.pm.token)).body.id).toBe(res.body.id);
  });

  it("average satisfaction is a score factor and a new rating moves the customer's stored score", async () => {
    const before = await satisfaction();
    expect(before.hasProvider).toBe(true);
    const ratings = await sys.server.container.models.ratings
      .find({ customerId: new Types.ObjectId(cast.customer.id) })
      .lean();
    const avg = (list: Array<{ overall: number }>) =>
      Math.round((list.reduce((s, r) => s + r.overall, 0) / list.length) * 100) / 100;
    expect(before.raw).toBe(avg(ratings));
    const done = await castProject(sys, cast, { status: 'warranty', statuses: ['confirmed'] });
    await post(`/projects/${done.id}/rating`, stars(1), cast.customer.token);
    const after = await satisfaction();
    expect(after.raw).toBe(avg([...ratings, { overall: 1 }]));
    expect(after.raw).toBeLessThan(before.raw);
    expect(after.stored).toBeLessThan(before.stored!);
  });
});
