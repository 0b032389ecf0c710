import { Types } from 'mongoose';
import { addSalesperson, startSalesTeam, type SignedInStaff } from '../support/sales-team';
import type { TestSystem } from '../support/system';

let sys: TestSystem;
let admin: string;
let lina: SignedInStaff;
let wang: SignedInStaff;

beforeAll(async () => {
  ({ sys, admin, lina, wang } = await startSalesTeam());
});
afterAll(async () => {
  await sys?.close();
});

let seq = 0;
async function customer(token: string, fields: Record<string, unknown> = {}) {
  seq += 1;
  const res = await sys.api.post(
    '/api/v1/customers',
    { name: `商机测试客户${seq}号`, type: 'private_company', ...fields },
    token,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}
async function opportunity(token: string, customerId: string, fields: Record<string, unknown> = {}) {
  const res = await sys.api.post(
    '/api/v1/opportunities',
    { customerId, name: '办公楼装修', ...fields },
    token,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; stage: string; expectedAmount: number };
}
const move = (id: string, body: Record<string, unknown>, token: string) =>
  sys.api.post(`/api/v1/opportunities/${id}/stage`, body, token);
async function moveThrough(id: string, stages: string[], token: string) {
  for (const stage of stages) {
    const res = await move(id, stage === 'lost' ? { stage, reason: '价格太高' } : { stage }, token);
    expect(res.status).toBe(200);
  }
}
const historyOf = (id: string) =>
  sys.server.container.models.opportunityStageHistory
    .find({ opportunityId: new Types.ObjectId(id) })
    .sort({ at: 1 })
    .lean();
const auditOf = (id: string) => sys.server.container.audit.forResource('opportunity', id);

describe('opportunities: stages', () => {
  it('creates an opportunity and moves it through every stage to signed', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id, {
      expectedAmount: 12_000_000,
      expectedCloseDate: '2026-12-31',
    });
    expect(opp).toMatchObject({ stage: 'intention', expectedAmount: 12_000_000 });
    await moveThrough(opp.id, ['negotiation', 'quotation', 'signed'], lina.token);

    const detail = await sys.api.get(`/api/v1/opportunities/${opp.id}`, lina.token);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      stage: 'signed',
      ownerId: lina.id,
      customerName: c.name,
      expectedCloseDate: '2026-12-31',
    });
    expect(detail.body.stageHistory.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'intention'],
      ['intention', 'negotiation'],
      ['negotiation', 'quotation'],
      ['quotation', 'signed'],
    ]);
    expect(detail.body.stageHistory[1].by).toBe(lina.id);
    expect((await historyOf(opp.id)).length).toBe(4);
    const audit = await auditOf(opp.id);
    expect(audit.filter((a) => a.action === 'opportunity.stage_changed')).toHaveLength(3);

    const after = await move(opp.id, { stage: 'lost', reason: '反悔' }, lina.token);
    expect(after.status).toBe(409);
  });

  it('refuses an illegal jump with 409 naming both stages, writing nothing', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const auditBefore = (await auditOf(opp.id)).length;
    const res = await move(opp.id, { stage: 'signed' }, lina.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.message).toContain('意向');
    expect(res.body.error.message).toContain('已签约');
    expect((await historyOf(opp.id)).length).toBe(1);
    expect((await auditOf(opp.id)).length).toBe(auditBefore);
    expect((await sys.api.get(`/api/v1/opportunities/${opp.id}`, lina.token)).body.stage).toBe('intention');
  });

  it('needs a reason to mark an opportunity lost', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const noReason = await move(opp.id, { stage: 'lost' }, lina.token);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields[0].path).toBe('body.reason');
    const ok = await move(opp.id, { stage: 'lost', reason: '选择了竞争对手' }, lina.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ stage: 'lost', lostReason: '选择了竞争对手' });
    const audit = await auditOf(opp.id);
    expect(audit[0]).toMatchObject({
      action: 'opportunity.stage_changed',
      before: { stage: 'intention' },
      after: { stage: 'lost', reason: '选择了竞争对手' },
    });
  });

  it('serialises concurrent stage changes: exactly one of two identical moves wins', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const results = await Promise.all([
      move(opp.id, { stage: 'negotiation' }, lina.token),
      move(opp.id, { stage: 'negotiation' }, lina.token),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await historyOf(opp.id)).length).toBe(2);
  });
});

describe('opportunities: quotes, edits and past cooperation', () => {
  it('versions quotes 1, 2 and the expected amount follows the latest', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id, { expectedAmount: 100 });
    const q1 = await sys.api.post(
      `/api/v1/opportunities/${opp.id}/quotes`,
      { amount: 500_000, note: '初版' },
      lina.token,
    );
    expect(q1.status).toBe(201);
    expect(q1.body).toMatchObject({ version: 1, amount: 500_000, note: '初版' });
    const q2 = await sys.api.post(`/api/v1/opportunities/${opp.id}/quotes`, { amount: 450_000 }, lina.token);
    expect(q2.body).toMatchObject({ version: 2, amount: 450_000 });
    const detail = await sys.api.get(`/api/v1/opportunities/${opp.id}`, lina.token);
    expect(detail.body).toMatchObject({ expectedAmount: 450_000, latestQuoteVersion: 2 });
    expect(detail.body.quotes.map((q: { version: number }) => q.version)).toEqual([1, 2]);
    const bad = await sys.api.post(`/api/v1/opportunities/${opp.id}/quotes`, { amount: 1.5 }, lina.token);
    expect(bad.status).toBe(400);
  });

  it('gives concurrent quotes distinct versions', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const res = await Promise.all(
      [1, 2, 3].map((i) =>
        sys.api.post(`/api/v1/opportunities/${opp.id}/quotes`, { amount: i * 1000 }, lina.token),
      ),
    );
    expect(res.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(res.map((r) => r.body.version).sort()).toEqual([1, 2, 3]);
  });

  it('edits fields with an audit entry', async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const res = await sys.api.request('PATCH', `/api/v1/opportunities/${opp.id}`, {
      body: { expectedCloseDate: '2027-03-01', notes: '等甲方预算' },
      token: lina.token,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expectedCloseDate: '2027-03-01', notes: '等甲方预算' });
    expect((await auditOf(opp.id))[0]!.action).toBe('opportunity.updated');
  });

  it("shows the customer's earlier projects and won/lost opportunities", async () => {
    const c = await customer(lina.token);
    await sys.server.container.models.projects.create({
      code: 'P-2025-001',
      name: '一期厂房',
      customerId: new Types.ObjectId(c.id),
      address: '上海市嘉定区',
      status: 'completed',
      plannedStart: new Date('2025-01-01'),
      plannedEnd: new Date('2025-06-30'),
    });
    const won = await opportunity(lina.token, c.id);
    await moveThrough(won.id, ['negotiation', 'quotation', 'signed'], lina.token);
    const lost = await opportunity(lina.token, c.id);
    await moveThrough(lost.id, ['lost'], lina.token);
    const current = await opportunity(lina.token, c.id);
    const detail = await sys.api.get(`/api/v1/opportunities/${current.id}`, lina.token);
    expect(detail.body.pastCooperation).toMatchObject({
      projects: [expect.objectContaining({ code: 'P-2025-001', name: '一期厂房', status: 'completed' })],
      opportunities: { won: 1, lost: 1 },
    });
  });
});

describe('opportunities: access', () => {
  it("hides A's opportunity from salesperson B (404) and from B's list; admins see it", async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(lina.token, c.id);
    const asWang = await sys.api.get(`/api/v1/opportunities/${opp.id}`, wang.token);
    expect(asWang.status).toBe(404);
    expect((await move(opp.id, { stage: 'negotiation' }, wang.token)).status).toBe(404);
    const wangList = await sys.api.get('/api/v1/opportunities?limit=100', wang.token);
    expect(wangList.status).toBe(200);
    expect(wangList.body.items.map((o: { id: string }) => o.id)).not.toContain(opp.id);
    const linaList = await sys.api.get(
      `/api/v1/opportunities?customerId=${c.id}&stage=intention`,
      lina.token,
    );
    expect(linaList.body.items.map((o: { id: string }) => o.id)).toEqual([opp.id]);
    expect((await sys.api.get(`/api/v1/opportunities/${opp.id}`, admin)).status).toBe(200);
  });

  it("lets the customer's owner see an opportunity an admin opened, and refuses others' customers", async () => {
    const c = await customer(lina.token);
    const opp = await opportunity(admin, c.id);
    expect(opp).toMatchObject({ ownerId: lina.id });
    expect((await sys.api.get(`/api/v1/opportunities/${opp.id}`, lina.token)).status).toBe(200);
    const res = await sys.api.post('/api/v1/opportunities', { customerId: c.id, name: '抢单' }, wang.token);
    expect(res.status).toBe(404);
  });

  it('paginates with a cursor', async () => {
    const c = await customer(wang.token);
    for (let i = 0; i < 3; i += 1) await opportunity(wang.token, c.id);
    const first = await sys.api.get(`/api/v1/opportunities?customerId=${c.id}&limit=2`, wang.token);
    expect(first.body.items).toHaveLength(2);
    const second = await sys.api.get(
      `/api/v1/opportunities?customerId=${c.id}&limit=2&cursor=${first.body.nextCursor}`,
      wang.token,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('opportunities: funnel', () => {
  it('counts, sums and converts a small known data set', async () => {
    const zhao = await addSalesperson(sys, 'zhao.lei', '赵磊');
    const expo = await customer(zhao.token, { source: 'expo' });
    const web = await customer(zhao.token, { source: 'website' });
    const a = await opportunity(zhao.token, expo.id, { expectedAmount: 1_000_000 });
    await moveThrough(a.id, ['negotiation', 'quotation', 'signed'], zhao.token);
    const b = await opportunity(zhao.token, web.id, { expectedAmount: 2_000_000 });
    await moveThrough(b.id, ['negotiation', 'quotation', 'signed'], zhao.token);
    const c = await opportunity(zhao.token, web.id, { expectedAmount: 300_000 });
    await moveThrough(c.id, ['negotiation', 'lost'], zhao.token);
    const d = await opportunity(zhao.token, expo.id, { expectedAmount: 40_000 });
    await moveThrough(d.id, ['negotiation', 'quotation'], zhao.token);
    await opportunity(zhao.token, expo.id, { expectedAmount: 5_000 });

    // Make the time in negotiation known: a 2 days, b 4 days, c 6 days, d 8 days.
    const hist = sys.server.container.models.opportunityStageHistory;
    const base = Date.now() + 86_400_000;
    for (const [opp, days] of [
      [a, 2],
      [b, 4],
      [c, 6],
      [d, 8],
    ] as const) {
      const id = new Types.ObjectId(opp.id);
      await hist.updateOne({ opportunityId: id, to: 'negotiation' }, { $set: { at: new Date(base) } });
      await hist.updateOne(
        { opportunityId: id, from: 'negotiation' },
        { $set: { at: new Date(base + days * 86_400_000) } },
      );
    }

    const res = await sys.api.get(`/api/v1/opportunities/funnel?ownerId=${zhao.id}`, admin);
    expect(res.status).toBe(200);
    const stage = (s: string) => res.body.stages.find((x: { stage: string }) => x.stage === s);
    expect(res.body.total).toBe(5);
    expect(stage('intention')).toMatchObject({ count: 1, amount: 5_000 });
    expect(stage('negotiation')).toMatchObject({ count: 0, amount: 0, medianDays: 5 });
    expect(stage('quotation')).toMatchObject({ count: 1, amount: 40_000 });
    expect(stage('signed')).toMatchObject({ count: 2, amount: 3_000_000 });
    expect(stage('lost')).toMatchObject({ count: 1, amount: 300_000, medianDays: null });
    expect(res.body.conversions).toEqual([
      { from: 'intention', to: 'negotiation', reachedFrom: 5, reachedTo: 4, rate: 0.8 },
      { from: 'negotiation', to: 'quotation', reachedFrom: 4, reachedTo: 3, rate: 0.75 },
      { from: 'quotation', to: 'signed', reachedFrom: 3, reachedTo: 2, rate: 0.6667 },
    ]);
    const bySource = Object.fromEntries(
      res.body.signedBySource.map((s: { source: string; amount: number }) => [s.source, s.amount]),
    );
    expect(bySource).toMatchObject({ expo: 1_000_000, website: 2_000_000, referral: 0 });

    // The salesperson's own funnel is the same; another salesperson sees none of it.
    const own = await sys.api.get('/api/v1/opportunities/funnel', zhao.token);
    expect(own.body.total).toBe(5);
    const other = await sys.api.get(`/api/v1/opportunities/funnel?ownerId=${zhao.id}`, wang.token);
    expect(other.body.total).toBe(0);
    const future = await sys.api.get(
      `/api/v1/opportunities/funnel?ownerId=${zhao.id}&from=2099-01-01`,
      admin,
    );
    expect(future.body.total).toBe(0);
  });
});
