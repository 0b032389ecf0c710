import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { loadHistories } from '../../server/src/modules/insights/churn.data';
import { featuresAt } from '../../server/src/modules/insights/churn.features';
import { runJob } from '../support/feedback-cast';
import { rng, seedHistory, type Profile } from '../support/churn-history';
import { must, staffMember, type Signed } from '../support/insights-cast';
import { startTestSystem, type TestSystem } from '../support/system';

const DAY_MS = 86_400_000;

/**
 * 80 past customers whose projects ended 400 days ago; whether each came back within 12 months
 * follows a rule in which every factor pushes the expected way (long since the last contract, few
 * contracts, little money, late payments, low ratings and complaints → gone). The model is fitted on
 * them; then customers differing from a middling one in a single factor are scored.
 */
describe('churn risk', () => {
  let sys: TestSystem;
  let admin: Signed;
  let lina: Signed;
  const now = new Date();
  const end = new Date(now.getTime() - 400 * DAY_MS);
  const past: Array<Profile & { churned: boolean }> = [];

  beforeAll(async () => {
    sys = await startTestSystem();
    admin = await staffMember(sys, 'admin', '周敏');
    lina = await staffMember(sys, 'sales', '李娜');
    const r = rng(20261128);
    for (let i = 0; i < 80; i += 1) {
      const p: Profile = {
        recencyDays: 20 + Math.floor(r() * 700),
        contracts: 1 + Math.floor(r() * 4),
        total: 1_000_000 + Math.floor(r() * 99_000_000),
        late: Math.floor(r() * 4),
        rating: 1 + Math.floor(r() * 5),
        complaints: Math.floor(r() * 4),
      };
      const risk =
        (p.recencyDays - 370) / 350 -
        (p.contracts - 2.5) / 1.5 -
        (p.total - 50_500_000) / 49_500_000 +
        (p.late - 1.5) / 1.5 -
        (p.rating! - 3) / 2 +
        (p.complaints - 1.5) / 1.5;
      past.push({ ...p, churned: risk > 0 });
    }
  }, 60_000);

  afterAll(() => sys?.close());

  const refit = async () =>
    expect((await runJob(sys, admin.token, 'insights.churn-refit')).outcome).toBe('succeeded');
  const seedPast = (rows: typeof past) =>
    Promise.all(
      rows.map((p, i) =>
        seedHistory(sys, { ...p, name: `老客户${i}`, ownerId: null, ref: end, end, cameBack: !p.churned }),
      ),
    );

  it('says there is not enough data instead of inventing a number', async () => {
    await refit();
    const empty = must<any>(await sys.api.get('/api/v1/insights/churn', admin.token), 200, 'churn');
    expect(empty.model).toMatchObject({ status: 'insufficient_data', needed: 30, have: 0 });
    expect(empty.items).toEqual([]);

    // 35 labelled customers, but every one of them left: one class, nothing to learn from.
    await seedPast(past.filter((p) => p.churned).slice(0, 35));
    await refit();
    const oneClass = must<any>(await sys.api.get('/api/v1/insights/churn', admin.token), 200, 'churn');
    expect(oneClass.model).toMatchObject({ status: 'insufficient_data', have: 35 });
    expect(oneClass.model.reason).toContain('只有一类');
  }, 60_000);

  it('fits on the history and moves the probability the right way with each factor', async () => {
    const seeded = new Set(past.filter((p) => p.churned).slice(0, 35));
    await seedPast(past.filter((p) => !seeded.has(p)));
    const middling: Profile = {
      recencyDays: 370,
      contracts: 2,
      total: 40_000_000,
      late: 1,
      rating: 3,
      complaints: 1,
    };
    const variants: Record<string, Partial<Profile>> = {
      base: {},
      recencyDays: { recencyDays: 700 },
      frequency: { contracts: 1 },
      monetary: { total: 2_000_000 },
      latePayments: { late: 3 },
      avgRating: { rating: 1 },
      complaints: { complaints: 3 },
    };
    const ids: Record<string, string> = {};
    for (const [k, v] of Object.entries(variants))
      ids[k] = await seedHistory(sys, {
        ...middling,
        ...v,
        name: `在建客户-${k}`,
        ownerId: lina.id,
        ref: now,
        end: null,
      });
    await refit();

    const model = must<any>(
      await sys.api.get('/api/v1/insights/churn?limit=100', admin.token),
      200,
      'churn',
    ).model;
    expect(model).toMatchObject({
      status: 'ready',
      labelled: 80,
      churned: past.filter((p) => p.churned).length,
    });
    const coef = Object.fromEntries(model.coefficients.map((c: any) => [c.factor, c.coefficient]));
    expect(coef.recencyDays).toBeGreaterThan(0);
    expect(coef.frequency).toBeLessThan(0);
    expect(coef.monetary).toBeLessThan(0);
    expect(coef.latePayments).toBeGreaterThan(0);
    expect(coef.avgRating).toBeLessThan(0);
    expect(coef.complaints).toBeGreaterThan(0);

    const scored: Record<string, any> = {};
    for (const [k, id] of Object.entries(ids))
      scored[k] = must<any>(
        await sys.api.get(`/api/v1/customers/${id}/churn`, admin.token),
        200,
        'customer churn',
      ).customer;
    const base = scored.base.probability;
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThan(1);
    for (const factor of [
      'recencyDays',
      'frequency',
      'monetary',
      'latePayments',
      'avgRating',
      'complaints',
    ]) {
      expect({ factor, p: scored[factor].probability }).toEqual({ factor, p: expect.any(Number) });
      expect(scored[factor].probability).toBeGreaterThan(base);
      // The factor that changed is the one that raised the risk.
      const c = (s: any) => s.factors.find((f: any) => f.factor === factor).contribution;
      expect(c(scored[factor])).toBeGreaterThan(c(scored.base));
    }
    expect(scored.latePayments.topFactors[0].factor).toBe('latePayments');
  }, 90_000);

  it('shows an owner their customers and tells them about the flagged ones', async () => {
    const mine = must<any>(await sys.api.get('/api/v1/insights/churn?limit=100', lina.token), 200, 'churn');
    expect(mine.items).toHaveLength(7);
    const flagged = mine.items.filter((i: any) => i.flagged);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.length).toBeLessThan(7);
    for (const i of mine.items) expect(i.flagged).toBe(i.probability >= 0.6);
    await sys.server.container.outboxWorker.drain();
    const inbox = must<any>(await sys.api.get('/api/v1/notifications?limit=100', lina.token), 200, 'inbox');
    const notices = inbox.items.filter((n: any) => n.title === '客户流失风险');
    expect(notices).toHaveLength(flagged.length);
    // Another salesperson's customer reads as absent.
    const other = await staffMember(sys, 'sales', '王强');
    expect(
      (await sys.api.get(`/api/v1/customers/${mine.items[0].customerId}/churn`, other.token)).status,
    ).toBe(404);
  });

  it('counts late payments by the ledger where a crash left the invoice unpaid (stale status, no paidAt)', async () => {
    const models = sys.server.container.models;
    const c = await sys.seed.customer({ ownerId: lina.id });
    const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
    const invoice = async (status: 'overdue' | 'issued', dueDate: Date, paidAt: Date) => {
      const doc = await models.invoices.create({
        number: `INV-${randomBytes(4).toString('hex')}`,
        contractId: new Types.ObjectId(),
        contractNumber: 'HT-TEST',
        installmentId: new Types.ObjectId(),
        customerId: new Types.ObjectId(c.id),
        amount: 100_000,
        status,
        issuedAt: at(-90),
        dueDate,
        reason: { kind: 'date', milestoneId: null, milestoneName: null, installmentName: '进度款' },
      });
      await models.paymentLedger.create({
        key: `payment:PI${String(new Types.ObjectId())}`,
        kind: 'payment',
        invoiceId: doc._id,
        paymentId: new Types.ObjectId(),
        amount: 100_000,
        wechatId: `4200${randomBytes(8).toString('hex')}`,
        at: paidAt,
      });
    };
    // Paid two days early, then marked overdue from its stale totals; paid five days late.
    await invoice('overdue', at(-60), at(-62));
    await invoice('issued', at(-40), at(-35));
    const history = (await loadHistories(models)).find((h) => h.customerId === c.id)!;
    expect(featuresAt(history, now).latePayments).toBe(1);
  });
});
