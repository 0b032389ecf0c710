import { DEFAULT_SCORING_MODEL } from '@gantry/shared';
import { FACTS } from '../../server/src/modules/crm/scoring/customer-facts';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let admin: string;
let lina: { id: string; token: string };
let finance: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const a = await sys.seed.staff('admin', { username: 'zhou.admin', name: '周敏' });
  admin = await sys.loginStaff(a.username, a.password);
  const l = await sys.seed.staff('sales', { username: 'li.na', name: '李娜' });
  lina = { id: l.id, token: await sys.loginStaff(l.username, l.password) };
  const f = await sys.seed.staff('finance', { username: 'qian.fin', name: '钱会计' });
  finance = await sys.loginStaff(f.username, f.password);
});
afterAll(async () => {
  await sys?.close();
});

const scoring = () => sys.server.container.services.scoring;
const facts = () => scoring().facts;

let seq = 0;
async function customer(token = lina.token) {
  seq += 1;
  const res = await sys.api.post(
    '/api/v1/customers',
    { name: `评分测试客户${seq}号`, type: 'private_company' },
    token,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}
async function opportunity(customerId: string, expectedAmount: number, stages: string[] = []) {
  const res = await sys.api.post(
    '/api/v1/opportunities',
    { customerId, name: '办公楼装修', expectedAmount },
    lina.token,
  );
  expect(res.status).toBe(201);
  for (const stage of stages) {
    const moved = await sys.api.post(`/api/v1/opportunities/${res.body.id}/stage`, { stage }, lina.token);
    expect(moved.status).toBe(200);
  }
  return res.body as { id: string };
}
const put = (body: unknown, token: string) =>
  sys.api.request('PUT', '/api/v1/crm/scoring-model', { body, token });
const scoreOf = async (id: string, token = lina.token) => {
  const res = await sys.api.get(`/api/v1/customers/${id}/score`, token);
  expect(res.status).toBe(200);
  return res.body;
};
const SIGNED = ['negotiation', 'quotation', 'signed'];

describe('scoring model', () => {
  it('staff read the default model; weights not summing to 100 are refused; only admins save', async () => {
    const res = await sys.api.get('/api/v1/crm/scoring-model', lina.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 0, ...DEFAULT_SCORING_MODEL });

    const bad = structuredClone(DEFAULT_SCORING_MODEL);
    bad.factors.satisfaction.weight = 30;
    const refused = await put(bad, admin);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('100');

    const denied = await put(DEFAULT_SCORING_MODEL, lina.token);
    expect(denied.status).toBe(403);
    expect((await sys.api.get('/api/v1/crm/scoring-model', lina.token)).body.version).toBe(0);
  });

  it('an admin save is a new version, audited, and changes the score', async () => {
    const c = await customer();
    await opportunity(c.id, 100_000_000, SIGNED); // ¥1,000,000 signed
    const before = await scoreOf(c.id);
    // default: ACV 35 × 0.2 = 7, frequency 20 × 1/5 = 4, no complaints 10 → 21
    expect(before.score).toBeCloseTo(21, 2);

    const model = structuredClone(DEFAULT_SCORING_MODEL);
    model.factors.annualContractValue = { weight: 60, cap: 100_000_000 };
    model.factors.cooperationFrequency.weight = 10;
    model.factors.paymentPunctuality.weight = 10;
    model.factors.satisfaction.weight = 10;
    model.factors.openComplaints.weight = 10;
    const saved = await put(model, admin);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, factors: model.factors });
    expect((await sys.api.get('/api/v1/crm/scoring-model', finance)).body.version).toBe(1);

    const after = await scoreOf(c.id);
    expect(after.modelVersion).toBe(1);
    expect(after.score).toBeCloseTo(60 + 2 + 10, 2);

    const audit = await sys.server.container.audit.model.find({ action: 'scoring_model.updated' }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { version: 0 }, after: { version: 1 } });

    // back to the defaults for the other tests
    expect((await put(DEFAULT_SCORING_MODEL, admin)).status).toBe(200);
  });
});

describe('customer score and tier', () => {
  it('a signed opportunity over ¥5,000,000 makes the customer high value, naming the rule', async () => {
    const c = await customer();
    await opportunity(c.id, 600_000_000, SIGNED);
    const s = await scoreOf(c.id);
    expect(s.tier).toBe('high_value');
    expect(s.tierRule).toBe('high_value');
    expect(s.tierReason).toContain('高价值客户规则');
    expect(s.tierReason).toContain('¥6,000,000');

    // the stage change already rescored it
    const stored = await sys.server.container.models.customers.findById(c.id).lean();
    expect(stored).toMatchObject({ tier: 'high_value', score: s.score });
    expect(stored!.scoreUpdatedAt).toBeInstanceOf(Date);
  });

  it('a customer with only an open opportunity becomes potential', async () => {
    const c = await customer();
    await opportunity(c.id, 1_000_000);
    await scoring().recompute([c.id]);
    const s = await scoreOf(c.id);
    expect(s).toMatchObject({ tier: 'potential', tierRule: 'potential', storedTier: 'potential' });
    expect(s.tierReason).toContain('潜力客户规则');
  });

  it('factors with no data yet read 0 and the contributions add up to the score', async () => {
    const c = await customer();
    await opportunity(c.id, 200_000_000, SIGNED);
    const s = await scoreOf(c.id);
    const byFactor = Object.fromEntries(s.factors.map((f: any) => [f.factor, f]));
    // Payments, ratings and complaints have providers now; a customer with none of them reads 0.
    for (const f of ['paymentPunctuality', 'satisfaction', 'openComplaints']) {
      expect(byFactor[f]).toMatchObject({ raw: 0, hasProvider: true });
    }
    expect(byFactor.paymentPunctuality.contribution).toBe(0);
    expect(byFactor.satisfaction.contribution).toBe(0);
    expect(byFactor.annualContractValue).toMatchObject({
      raw: 200_000_000,
      normalised: 0.4,
      hasProvider: true,
    });
    expect(byFactor.cooperationFrequency).toMatchObject({ raw: 1, hasProvider: true });
    const sum = s.factors.reduce((t: number, f: any) => t + f.contribution, 0);
    expect(s.score).toBeCloseTo(sum, 2);
    expect(s.score).toBeGreaterThan(0);
    expect(s.score).toBeLessThanOrEqual(100);
  });

  it('a customer the caller may not read answers 404', async () => {
    const other = await sys.seed.staff('sales', { username: 'wang.qiang', name: '王强' });
    const wang = await sys.loginStaff(other.username, other.password);
    const c = await customer();
    expect((await sys.api.get(`/api/v1/customers/${c.id}/score`, wang)).status).toBe(404);
  });

  it('a tier change is audited; a drop to risk notifies the owner', async () => {
    const c = await customer();
    await opportunity(c.id, 1_000_000);
    await scoring().recompute([c.id]); // potential
    const restore = facts().registerFactProvider(
      FACTS.latePayments12m,
      async (ids) => new Map(ids.filter((id) => id === c.id).map((id) => [id, 3])),
    );
    try {
      const result = await scoring().recompute();
      expect(result.tierChanged).toBeGreaterThanOrEqual(1);
    } finally {
      restore();
    }
    const s = await scoreOf(c.id);
    expect(s.storedTier).toBe('risk');
    expect(s.tier).toBe('potential'); // the temporary provider is gone again

    const audit = await sys.server.container.audit.forResource('customer', c.id);
    const changes = audit.filter((e) => e.action === 'customer.tier_changed');
    expect(changes[0]).toMatchObject({
      actorKind: 'system',
      before: { tier: 'potential' },
      after: { tier: 'risk', rule: 'risk' },
    });
    expect((changes[0]!.after as { reason: string }).reason).toContain('逾期付款 3 次');

    await sys.server.container.outboxWorker.drain();
    const inbox = await sys.api.get('/api/v1/notifications', lina.token);
    expect(inbox.status).toBe(200);
    const notice = inbox.body.items.find((n: any) => n.body.includes(c.name));
    expect(notice).toMatchObject({ title: '客户降为风险客户' });
    expect(notice.body).toContain('逾期付款');
  });

  it('runs crm.rescore on demand', async () => {
    const res = await sys.api.post('/api/v1/admin/jobs/crm.rescore/run', undefined, admin);
    expect(res.status).toBe(202);
    let run: any;
    for (let i = 0; i < 100; i += 1) {
      const runs = await sys.api.get('/api/v1/admin/jobs/crm.rescore/runs', admin);
      run = runs.body.items[0];
      if (run && run.outcome !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ outcome: 'succeeded' });
    expect(run.result.scored).toBeGreaterThanOrEqual(5);
  });
});
