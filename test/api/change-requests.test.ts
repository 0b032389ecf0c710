import { Types } from 'mongoose';
import type { DomainEvent } from '../../server/src/core/events';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  castProject,
  changeCast,
  inboxTitles,
  plannedDates,
  runJob,
  type CastProject,
  type ChangeCast,
} from '../support/change-cast';

let sys: TestSystem;
let cast: ChangeCast;
const approvedEvents: DomainEvent[] = [];

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await changeCast(sys);
  sys.server.container.events.subscribe('change_request.approved', async (e) => {
    approvedEvents.push(e);
  });
});
afterAll(async () => {
  await sys?.close();
});

const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const QUOTE = { costDelta: 1_250_000, scheduleDeltaDays: 10, note: '加装地暖', validUntil: '2030-01-31' };
const eventsOf = (id: string) => approvedEvents.filter((e) => e.payload.changeRequestId === id);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function submit(project: CastProject, token = cast.customer.token) {
  const res = await post(
    `/projects/${project.id}/change-requests`,
    { title: '客厅加装地暖', description: '希望客厅和卧室加装地暖', wishedDate: '2027-05-01' },
    token,
  );
  expect(res.status).toBe(201);
  return res.body;
}

/** A request quoted by the PM (acknowledged first), ready for the customer's decision. */
async function quoted(project: CastProject, quote: Record<string, unknown> = QUOTE) {
  const cr = await submit(project);
  expect((await post(`/change-requests/${cr.id}/acknowledge`, {}, cast.pm.token)).status).toBe(200);
  const res = await post(`/change-requests/${cr.id}/quote`, quote, cast.pm.token);
  expect(res.status).toBe(200);
  return res.body;
}

const decide = (id: string, decision: 'approve' | 'reject', token = cast.customer.token, extra = {}) =>
  post(`/change-requests/${id}/decision`, { decision, comment: '同意', ...extra }, token);

describe('filing and access', () => {
  let project: CastProject;
  beforeAll(async () => {
    project = await castProject(sys, cast);
  });

  it('the customer files one (the PM is told); staff may file for them; finance may not', async () => {
    const cr = await submit(project);
    expect(cr).toMatchObject({ status: 'submitted', statusLabel: '已提交', wishedDate: '2027-05-01' });
    expect(cr.requestedBy).toMatchObject({ kind: 'portal' });
    expect(cr.quote).toBeNull();
    expect(await inboxTitles(sys, cast.pm.token)).toContain('新变更申请');
    const byStaff = await submit(project, cast.engineer.token);
    expect(byStaff.requestedBy).toMatchObject({ kind: 'staff', name: '陈刚' });
    const res = await post(
      `/projects/${project.id}/change-requests`,
      { title: 'x', description: 'y' },
      cast.finance.token,
    );
    expect(res.status).toBe(403);
  });

  it("another customer, and a PM not on the project, get 404 on the project's change requests", async () => {
    const cr = await submit(project);
    for (const token of [cast.otherCustomer.token, cast.otherPm.token]) {
      expect((await get(`/change-requests/${cr.id}`, token)).status).toBe(404);
      expect((await get(`/projects/${project.id}/change-requests`, token)).status).toBe(404);
      const body = { title: 'x', description: 'y' };
      expect((await post(`/projects/${project.id}/change-requests`, body, token)).status).toBe(404);
    }
    expect((await decide(cr.id, 'approve', cast.otherCustomer.token)).status).toBe(404);
  });

  it('lists a project page by page, filtered by status', async () => {
    const first = await get(`/projects/${project.id}/change-requests?limit=2`, cast.pm.token);
    expect(first.body.items).toHaveLength(2);
    const next = await get(
      `/projects/${project.id}/change-requests?limit=2&cursor=${first.body.nextCursor}`,
      cast.pm.token,
    );
    expect(next.body.items.length).toBeGreaterThan(0);
    const ids = [...first.body.items, ...next.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const filtered = await get(`/projects/${project.id}/change-requests?status=quoted`, cast.pm.token);
    expect(filtered.body.items).toEqual([]);
  });
});

describe('acknowledging and quoting', () => {
  let project: CastProject;
  beforeAll(async () => {
    project = await castProject(sys, cast);
  });

  it('staff acknowledgement puts it under review and records the first-response time once', async () => {
    const cr = await submit(project);
    expect((await post(`/change-requests/${cr.id}/acknowledge`, {}, cast.customer.token)).status).toBe(403);
    expect((await post(`/change-requests/${cr.id}/acknowledge`, {}, cast.otherPm.token)).status).toBe(404);
    const res = await post(`/change-requests/${cr.id}/acknowledge`, { note: '明天上门看' }, cast.pm.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'under_review', acknowledgeNote: '明天上门看' });
    expect(res.body.acknowledgedBy).toMatchObject({ id: cast.pm.id });
    expect(res.body.firstResponseSeconds).toBeGreaterThanOrEqual(0);
    const clock = await sys.server.container.models.responseClocks
      .findOne({ key: `change_request:${cr.id}` })
      .lean();
    expect(clock).toMatchObject({ kind: 'change_request', answeredBy: { id: cast.pm.id } });
    expect((await post(`/change-requests/${cr.id}/acknowledge`, {}, cast.pm.token)).status).toBe(409);
  });

  it('refuses a quote before review, by an engineer, and one that is not integer fen or whole days', async () => {
    const cr = await submit(project);
    expect((await post(`/change-requests/${cr.id}/quote`, QUOTE, cast.pm.token)).status).toBe(409);
    await post(`/change-requests/${cr.id}/acknowledge`, {}, cast.pm.token);
    expect((await post(`/change-requests/${cr.id}/quote`, QUOTE, cast.engineer.token)).status).toBe(403);
    for (const bad of [
      { costDelta: 1250.5 },
      { costDelta: '12500' },
      { scheduleDeltaDays: 2.5 },
      { validUntil: '2020-01-01' },
      { validUntil: '2030/01/31' },
      { affectedFromMilestoneId: project.milestoneIds[0] }, // confirmed: its dates are history
      { affectedFromMilestoneId: new Types.ObjectId().toHexString() },
    ]) {
      const res = await post(`/change-requests/${cr.id}/quote`, { ...QUOTE, ...bad }, cast.pm.token);
      expect([res.status, bad]).toEqual([400, bad]);
    }
    const neg = await post(
      `/change-requests/${cr.id}/quote`,
      { ...QUOTE, costDelta: -300_000, scheduleDeltaDays: -5 },
      cast.pm.token,
    );
    expect(neg.status).toBe(200);
    expect(neg.body.quote).toMatchObject({ version: 1, costDelta: -300_000, scheduleDeltaDays: -5 });
  });

  it('shows the customer the current and new contract total and completion date; tells them of the quote', async () => {
    const noAmount = await quoted(project);
    expect(noAmount.impact).toEqual({
      currentTotal: null,
      newTotal: null,
      currentCompletion: '2027-12-31',
      newCompletion: '2028-01-10',
    });
    expect(
      (
        await sys.api.request('PUT', `/api/v1/projects/${project.id}/contract-amount`, {
          token: cast.pm.token,
          body: { amount: 1 },
        })
      ).status,
    ).toBe(403);
    const put = await sys.api.request('PUT', `/api/v1/projects/${project.id}/contract-amount`, {
      token: cast.finance.token,
      body: { amount: 80_000_000 },
    });
    expect(put.status).toBe(200);
    const view = await get(`/change-requests/${noAmount.id}`, cast.customer.token);
    expect(view.body.impact).toEqual({
      currentTotal: 80_000_000,
      newTotal: 81_250_000,
      currentCompletion: '2027-12-31',
      newCompletion: '2028-01-10',
    });
    expect(await inboxTitles(sys, cast.customer.token)).toContain('变更已报价');
  });

  it('a revised quote raises the version; a decision on the older version is refused', async () => {
    const cr = await quoted(project);
    const revised = await post(
      `/change-requests/${cr.id}/quote`,
      { ...QUOTE, costDelta: 900_000 },
      cast.pm.token,
    );
    expect(revised.body.quote).toMatchObject({ version: 2, costDelta: 900_000 });
    const stale = await decide(cr.id, 'approve', cast.customer.token, { quoteVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CHANGE_QUOTE_OUTDATED');
  });
});

describe('deciding', () => {
  let project: CastProject;
  beforeAll(async () => {
    project = await castProject(sys, cast);
    await sys.api.request('PUT', `/api/v1/projects/${project.id}/contract-amount`, {
      token: cast.admin.token,
      body: { amount: 50_000_000 },
    });
  });

  it('staff cannot decide; the customer approves: the dates from the named milestone on move by exactly N days', async () => {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project, { ...QUOTE, affectedFromMilestoneId: project.milestoneIds[2] });
    for (const token of [cast.pm.token, cast.admin.token])
      expect((await decide(cr.id, 'approve', token)).status).toBe(403);
    const res = await decide(cr.id, 'approve', cast.customer.token, { quoteVersion: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', statusLabel: '已批准' });
    expect(res.body.outcome).toMatchObject({ outcome: 'approved', quoteVersion: 1, effectsPending: [] });
    expect(res.body.impact).toEqual({
      currentTotal: 50_000_000,
      newTotal: 51_250_000,
      currentCompletion: '2027-12-31',
      newCompletion: '2028-01-10',
    });
    const after = await plannedDates(sys, project);
    const [m0, m1, m2, m3] = project.milestoneIds as [string, string, string, string];
    expect(after.milestones.get(m0)).toEqual(before.milestones.get(m0));
    expect(after.milestones.get(m1)).toEqual(before.milestones.get(m1));
    for (const id of [m2, m3]) {
      const b = before.milestones.get(id)!;
      expect(after.milestones.get(id)).toEqual({ start: plus(b.start, 10), end: plus(b.end, 10) });
    }
    expect(after.projectEnd).toBe('2028-01-10');
    const amount = await get(`/projects/${project.id}/contract-amount`, cast.customer.token);
    expect(amount.body).toMatchObject({ amount: 50_000_000, currentTotal: 51_250_000 });
    expect(eventsOf(cr.id)).toHaveLength(1);
    expect(await inboxTitles(sys, cast.pm.token)).toContain('变更已批准');
    const audit = await sys.server.container.audit.forResource('change_request', cr.id);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'change_request.submitted',
        'change_request.under_review',
        'change_request.quoted',
        'change_request.approved',
      ]),
    );
  });

  it('approving again answers the same; rejecting or withdrawing afterwards is refused', async () => {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project, { ...QUOTE, scheduleDeltaDays: 3 });
    expect((await decide(cr.id, 'approve')).status).toBe(200);
    const again = await decide(cr.id, 'approve', cast.customer.secondToken);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('approved');
    expect((await decide(cr.id, 'reject')).status).toBe(409);
    expect((await post(`/change-requests/${cr.id}/withdraw`, {}, cast.customer.token)).status).toBe(409);
    expect((await post(`/change-requests/${cr.id}/quote`, QUOTE, cast.pm.token)).status).toBe(409);
    const after = await plannedDates(sys, project);
    expect(after.projectEnd).toBe(plus(before.projectEnd, 3));
    expect(eventsOf(cr.id)).toHaveLength(1);
  });

  it('a rejection moves nothing and tells the PM', async () => {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project);
    const res = await decide(cr.id, 'reject', cast.customer.token, { comment: '太贵了' });
    expect(res.body).toMatchObject({ status: 'rejected', outcome: { comment: '太贵了' } });
    expect(await plannedDates(sys, project)).toEqual(before);
    expect(await inboxTitles(sys, cast.pm.token)).toContain('变更被拒绝');
    expect((await decide(cr.id, 'approve')).status).toBe(409);
  });

  it('the requester withdraws before a decision; others may not', async () => {
    const cr = await submit(project);
    expect((await post(`/change-requests/${cr.id}/withdraw`, {}, cast.pm.token)).status).toBe(403);
    const res = await post(`/change-requests/${cr.id}/withdraw`, { reason: '不改了' }, cast.customer.token);
    expect(res.body).toMatchObject({
      status: 'withdrawn',
      outcome: { outcome: 'withdrawn', comment: '不改了' },
    });
    const byStaff = await submit(project, cast.engineer.token);
    expect((await post(`/change-requests/${byStaff.id}/withdraw`, {}, cast.engineer.token)).status).toBe(200);
    expect((await post(`/change-requests/${byStaff.id}/acknowledge`, {}, cast.pm.token)).status).toBe(409);
  });

  it('ten simultaneous approvals make one decision, one move per date and one event', async () => {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project, { ...QUOTE, scheduleDeltaDays: 7 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        decide(cr.id, 'approve', i % 2 ? cast.customer.secondToken : cast.customer.token),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const { models } = sys.server.container;
    expect(await models.changeOutcomes.countDocuments({ changeRequestId: new Types.ObjectId(cr.id) })).toBe(
      1,
    );
    // Three open milestones and the project's completion.
    expect(await models.changeDateShifts.countDocuments({ changeRequestId: new Types.ObjectId(cr.id) })).toBe(
      4,
    );
    const after = await plannedDates(sys, project);
    for (const id of project.milestoneIds.slice(1))
      expect(after.milestones.get(id)!.end).toBe(plus(before.milestones.get(id)!.end, 7));
    expect(after.projectEnd).toBe(plus(before.projectEnd, 7));
    expect(eventsOf(cr.id)).toHaveLength(1);
  });
});

describe('an approval interrupted half-way', () => {
  let project: CastProject;
  let calls = 0;
  let failNext = false;
  beforeAll(async () => {
    project = await castProject(sys, cast);
  });

  /** A test-only effect after the date moves that "crashes" once when armed. */
  function armCrash() {
    failNext = true;
    return sys.server.container.changeApprovalEffects.register('test-crash', async () => {
      calls += 1;
      if (failNext) {
        failNext = false;
        throw new Error('simulated crash after the milestone shift');
      }
    });
  }

  async function crashedApproval(days: number) {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project, { ...QUOTE, scheduleDeltaDays: days });
    const res = await decide(cr.id, 'approve');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    expect(res.body.outcome.effectsDone).toEqual(expect.arrayContaining(['status', 'schedule']));
    expect(res.body.outcome.effectsPending).toEqual(['effect:test-crash', 'timeline', 'event']);
    const mid = await plannedDates(sys, project);
    expect(mid.projectEnd).toBe(plus(before.projectEnd, days));
    expect(eventsOf(cr.id)).toHaveLength(0);
    return { cr, before };
  }

  async function expectFinishedOnce(
    cr: { id: string },
    before: Awaited<ReturnType<typeof plannedDates>>,
    days: number,
  ) {
    const view = await get(`/change-requests/${cr.id}`, cast.customer.token);
    expect(view.body.outcome.effectsPending).toEqual([]);
    const after = await plannedDates(sys, project);
    expect(after.projectEnd).toBe(plus(before.projectEnd, days));
    for (const id of project.milestoneIds.slice(1))
      expect(after.milestones.get(id)!.start).toBe(plus(before.milestones.get(id)!.start, days));
    expect(eventsOf(cr.id)).toHaveLength(1);
  }

  it('a retry of the decision finishes it, applying each step exactly once', async () => {
    const unregister = armCrash();
    try {
      calls = 0;
      const { cr, before } = await crashedApproval(5);
      const retry = await decide(cr.id, 'approve');
      expect(retry.status).toBe(200);
      expect(calls).toBe(2); // the crashed run and the finishing one
      await expectFinishedOnce(cr, before, 5);
      await decide(cr.id, 'approve');
      expect(calls).toBe(2);
      await expectFinishedOnce(cr, before, 5);
    } finally {
      unregister();
    }
  });

  it('the changes.resume-approvals job finishes it just as well', async () => {
    const unregister = armCrash();
    try {
      const { cr, before } = await crashedApproval(4);
      const run = await runJob(sys, cast.admin.token, 'changes.resume-approvals');
      expect(run.outcome).toBe('succeeded');
      await expectFinishedOnce(cr, before, 4);
      await runJob(sys, cast.admin.token, 'changes.resume-approvals');
      await expectFinishedOnce(cr, before, 4);
    } finally {
      unregister();
    }
  });

  it('a process that died right after writing the decision is finished by the job', async () => {
    const before = await plannedDates(sys, project);
    const cr = await quoted(project, { ...QUOTE, scheduleDeltaDays: 2 });
    const { changeOutcomeRunner } = sys.server.container.services;
    // Exactly what the decision writes first, and nothing after it.
    await changeOutcomeRunner.record({
      changeRequestId: new Types.ObjectId(cr.id),
      projectId: new Types.ObjectId(project.id),
      customerId: new Types.ObjectId(cast.customer.id),
      outcome: 'approved',
      by: { id: 'someone', name: '客户' },
      at: new Date(),
      comment: '',
      quote: {
        version: 1,
        costDelta: QUOTE.costDelta,
        scheduleDeltaDays: 2,
        affectedFromMilestoneId: null,
        milestoneIds: project.milestoneIds.slice(1).map((id) => new Types.ObjectId(id)),
        currentTotal: null,
        newTotal: null,
        currentCompletion: before.projectEnd,
        newCompletion: plus(before.projectEnd, 2),
      },
    });
    const stored = await sys.server.container.models.changeRequests.findById(cr.id).lean();
    expect(stored!.status).toBe('quoted');
    expect((await plannedDates(sys, project)).projectEnd).toBe(before.projectEnd);
    await runJob(sys, cast.admin.token, 'changes.resume-approvals');
    expect((await sys.server.container.models.changeRequests.findById(cr.id).lean())!.status).toBe(
      'approved',
    );
    await expectFinishedOnce(cr, before, 2);
  });
});

describe('quote expiry', () => {
  it('a passed validity refuses the decision; the job expires it once and tells the customer and the PM', async () => {
    const project = await castProject(sys, cast);
    const cr = await quoted(project);
    await sys.server.container.models.changeRequests.updateOne(
      { _id: new Types.ObjectId(cr.id) },
      { $set: { 'quote.validUntil': new Date(Date.now() - 60_000) } },
    );
    const late = await decide(cr.id, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CHANGE_QUOTE_EXPIRED');
    expect((await get(`/change-requests/${cr.id}`, cast.customer.token)).body.quote.expired).toBe(true);
    const run = await runJob(sys, cast.admin.token, 'changes.expire-quotes');
    expect(run.result.expired).toBeGreaterThanOrEqual(1);
    const view = await get(`/change-requests/${cr.id}`, cast.customer.token);
    expect(view.body).toMatchObject({ status: 'expired', statusLabel: '报价已过期' });
    expect((await runJob(sys, cast.admin.token, 'changes.expire-quotes')).result.expired).toBe(0);
    expect(await inboxTitles(sys, cast.customer.token)).toContain('变更报价已过期');
    expect(await inboxTitles(sys, cast.pm.token)).toContain('变更报价已过期');
    expect((await decide(cr.id, 'approve')).status).toBe(409);
  });
});
