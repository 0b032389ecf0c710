import { Types } from 'mongoose';
import { milestoneModels } from '../../server/src/modules/projects/milestone.model';
import { APPROVAL_CONFIG, activeContract, contractCast, type ContractCast } from '../support/contract-cast';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The customer's past cooperation on an opportunity's detail, built through the API where the path
 * is short (projects, change requests quoted and decided, a contract approved, complaints, ratings)
 * and through the payment ledger + InvoiceService.recalculate for payments (as the payments module
 * settles them). Every expected number is worked out by hand in the comments.
 */
let sys: TestSystem;
let cast: ContractCast;

const DAY_MS = 86_400_000;
const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const models = () => sys.server.container.models;
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const dayStart = (day: string, plus: number) => new Date(Date.parse(`${day}T00:00:00Z`) + plus * DAY_MS);

function expectStatus(res: { status: number; body: unknown }, status: number) {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** A settled payment as the payments module records it, then the invoice recalculated from the ledger. */
async function pay(invoiceId: string, amount: number) {
  await ledgerEntry(invoiceId, amount, new Date());
  await sys.server.container.services.invoices.recalculate(invoiceId);
}

/** Only the payment's ledger entry: the state a crash before the invoice's recalculation leaves. */
async function ledgerEntry(invoiceId: string, amount: number, at: Date) {
  const wechatId = `42000${new Types.ObjectId().toHexString()}`;
  await models().paymentLedger.create({
    key: `payment:${wechatId}`,
    kind: 'payment',
    invoiceId: new Types.ObjectId(invoiceId),
    paymentId: new Types.ObjectId(),
    refundId: null,
    amount,
    wechatId,
    at,
  });
}

async function secondProject(): Promise<string> {
  const res = await post(
    '/projects',
    {
      name: `二期厂房${Date.now()}`,
      type: 'renovation',
      customerId: cast.customerId,
      address: '杭州市滨江区江南大道 2 号',
      pmId: cast.pm.id,
      engineerIds: [cast.engineer.id],
      plannedStart: '2026-10-01',
      plannedEnd: '2027-09-30',
    },
    cast.admin.token,
  );
  expectStatus(res, 201);
  return res.body.id as string;
}

/** Filed by the customer, acknowledged and quoted by the PM, then decided by the customer (or left). */
async function changeRequest(
  projectId: string,
  quote: { costDelta: number; scheduleDeltaDays: number } | null,
  decision?: 'approve' | 'reject',
) {
  const filed = await post(
    `/projects/${projectId}/change-requests`,
    { title: '客厅加装地暖', description: '希望客厅和卧室加装地暖' },
    cast.customer.token,
  );
  expectStatus(filed, 201);
  const id = filed.body.id as string;
  if (!quote) return;
  expectStatus(await post(`/change-requests/${id}/acknowledge`, {}, cast.pm.token), 200);
  const quoted = await post(
    `/change-requests/${id}/quote`,
    { ...quote, note: '按图纸报价', validUntil: '2030-01-31' },
    cast.pm.token,
  );
  expectStatus(quoted, 200);
  if (decision)
    expectStatus(
      await post(`/change-requests/${id}/decision`, { decision, comment: '' }, cast.customer.token),
      200,
    );
}

async function complaint(projectId: string): Promise<string> {
  const res = await post(
    '/complaints',
    { projectId, category: 'quality', description: '墙面开裂' },
    cast.customer.token,
  );
  expectStatus(res, 201);
  return res.body.id as string;
}

async function rateMilestone(milestoneId: string, overall: number) {
  // Confirmation itself is covered by the milestone tests; here it only makes the milestone rateable.
  await milestoneModels(sys.server.container.conn).milestones.updateOne(
    { _id: new Types.ObjectId(milestoneId) },
    { $set: { status: 'confirmed', actualEnd: new Date() } },
  );
  const stars = { overall, quality: overall, schedule: overall, communication: overall, tidiness: overall };
  expectStatus(await post(`/milestones/${milestoneId}/rating`, stars, cast.customer.token), 200);
}

beforeAll(async () => {
  sys = await startTestSystem({ overrides: APPROVAL_CONFIG });
  cast = await contractCast(sys);
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('past cooperation on the opportunity detail', () => {
  it('a fresh customer: only its one project, nothing else counted and no risk note', async () => {
    const opp = await post('/opportunities', { customerId: cast.customerId, name: '三期' }, cast.sales.token);
    expectStatus(opp, 201);
    const detail = await get(`/opportunities/${opp.body.id}`, cast.sales.token);
    expect(detail.body.pastCooperation).toMatchObject({
      projects: [expect.objectContaining({ id: cast.projectId })],
      projectsTruncated: false,
      changes: { requests: 0, approved: 0, costDelta: 0, scheduleDeltaDays: 0, perProjectAverage: 0 },
      payments: { issued: 0, paid: 0, overdueNow: 0, overdueAmount: 0, averageDaysLate: null },
      risk: { openComplaints: 0, ratings: 0, lowRatings: 0, averageRating: null, riskTags: [], notes: [] },
    });
  });

  it('counts scope changes, payment behaviour and risk, and explains them in risk notes', async () => {
    const p1 = cast.projectId;
    const p2 = await secondProject();

    // P1: 3 requests, 2 approved (+¥12,500.00 / +10 days, +¥5,000.00 / +5 days), 1 rejected.
    // P2: 1 request not yet quoted. Total 4 requests over 2 projects → 2 per project.
    await changeRequest(p1, { costDelta: 1_250_000, scheduleDeltaDays: 10 }, 'approve');
    await changeRequest(p1, { costDelta: 500_000, scheduleDeltaDays: 5 }, 'approve');
    await changeRequest(p1, { costDelta: 900_000, scheduleDeltaDays: 20 }, 'reject');
    await changeRequest(p2, null);

    // A contract on P2 (no change approvals there, so no amendment re-plans it): three installments
    // issued on signing — ¥3,000 paid on time; ¥3,000 due 12 days ago and paid today (12 days late);
    // ¥4,000 due 30 days ago with ¥1,000 paid (overdue now, ¥3,000 open).
    const contract = await activeContract(sys, cast, {
      projectId: p2,
      amount: 1_000_000,
      plan: ['首付款', '进度款', '尾款'].map((name, i) => ({
        name,
        amount: i === 2 ? 400_000 : 300_000,
        trigger: { kind: 'signing' },
        dueDays: 7,
      })),
    });
    const invoices = await models()
      .invoices.find({ contractId: new Types.ObjectId(contract.id) })
      .sort({ amount: 1, number: 1 })
      .lean();
    expect(invoices.map((i) => i.amount)).toEqual([300_000, 300_000, 400_000]);
    const [onTime, late, overdue] = invoices.map((i) => String(i._id)) as [string, string, string];
    const today = shanghaiToday();
    await models().invoices.updateOne({ _id: late }, { $set: { dueDate: dayStart(today, -12) } });
    await models().invoices.updateOne({ _id: overdue }, { $set: { dueDate: dayStart(today, -30) } });
    await pay(onTime, 300_000);
    await pay(late, 300_000);
    await pay(overdue, 100_000);

    // Two complaints, one closed by the customer accepting the resolution → 1 open.
    await complaint(p1);
    const closed = await complaint(p1);
    expectStatus(await post(`/complaints/${closed}/acknowledge`, {}, cast.pm.token), 200);
    expectStatus(await post(`/complaints/${closed}/resolve`, { resolution: '已修补' }, cast.pm.token), 200);
    expectStatus(await post(`/complaints/${closed}/accept`, {}, cast.customer.token), 200);

    // Ratings 2 and 5 → one low rating, average 3.5.
    await rateMilestone(cast.milestones[0]!.id, 2);
    await rateMilestone(cast.milestones[1]!.id, 5);

    // Sales flagged the customer: one tag names a risk, the other does not.
    const tagged = await sys.api.request('PATCH', `/api/v1/customers/${cast.customerId}`, {
      body: { tags: ['拖欠尾款', '老客户'], notes: '付款审批慢，需提前催款' },
      token: cast.sales.token,
    });
    expectStatus(tagged, 200);

    const opp = await post('/opportunities', { customerId: cast.customerId, name: '四期' }, cast.sales.token);
    const detail = await get(`/opportunities/${opp.body.id}`, cast.sales.token);
    expectStatus(detail, 200);
    const past = detail.body.pastCooperation;
    expect(past.projects.map((p: { id: string }) => p.id).sort()).toEqual([p1, p2].sort());
    expect(past.changes).toEqual({
      perProject: expect.arrayContaining([
        { projectId: p1, requests: 3, approved: 2, costDelta: 1_750_000, scheduleDeltaDays: 15 },
        { projectId: p2, requests: 1, approved: 0, costDelta: 0, scheduleDeltaDays: 0 },
      ]),
      requests: 4,
      approved: 2,
      costDelta: 1_750_000,
      scheduleDeltaDays: 15,
      perProjectAverage: 2,
    });
    expect(past.payments).toEqual({
      issued: 3,
      paid: 2,
      paidOnTime: 1,
      paidLate: 1,
      overdueNow: 1,
      overdueAmount: 300_000,
      averageDaysLate: 12,
      lateLast12Months: 2,
    });
    // Two late payments in 12 months put the customer in the risk tier (rescored when the invoice was paid).
    expect(past.risk).toMatchObject({
      tier: 'risk',
      openComplaints: 1,
      ratings: 2,
      lowRatings: 1,
      averageRating: 3.5,
      riskTags: ['拖欠尾款'],
      customerNotes: '付款审批慢，需提前催款',
    });
    expect(past.risk.notes.map((n: { code: string; text: string }) => [n.code, n.text])).toEqual([
      ['risk_tier', '客户当前评级为「风险」'],
      ['late_payments', '近 12 个月 2 次逾期付款'],
      ['overdue_now', '当前 1 笔账单逾期未付，共 ¥3000.00'],
      ['days_late', '逾期付款平均晚 12 天'],
      ['frequent_changes', '平均每个项目 2 次变更'],
      ['approved_changes', '已批准变更 2 项，费用 +¥17500.00，工期 +15 天'],
      ['open_complaints', '1 起投诉尚未关闭'],
      ['low_ratings', '1 次低分评价（2 星及以下）'],
      ['risk_tags', '风险标签：拖欠尾款'],
    ]);
  });

  it('payments a crash left on the ledger only (invoice not recalculated) count as paid, with the ledger time', async () => {
    const own = await contractCast(sys);
    // ¥3,000 due 5 days ago, paid in full 6 days ago; the invoice kept its stale totals and the
    // overdue job then marked it overdue. ¥4,000 due 10 days ago: ¥1,000 paid and recalculated,
    // the remaining ¥3,000 paid today with the crash before the recalculation (10 days late).
    const contract = await activeContract(sys, own, {
      projectId: own.projectId,
      amount: 700_000,
      plan: ['首付款', '尾款'].map((name, i) => ({
        name,
        amount: i === 0 ? 300_000 : 400_000,
        trigger: { kind: 'signing' },
        dueDays: 7,
      })),
    });
    const invoices = await models()
      .invoices.find({ contractId: new Types.ObjectId(contract.id) })
      .sort({ amount: 1 })
      .lean();
    const [first, second] = invoices.map((i) => String(i._id)) as [string, string];
    const today = shanghaiToday();
    await models().invoices.updateOne(
      { _id: first },
      { $set: { dueDate: dayStart(today, -5), status: 'overdue' } },
    );
    await models().invoices.updateOne({ _id: second }, { $set: { dueDate: dayStart(today, -10) } });
    await ledgerEntry(first, 300_000, dayStart(today, -6));
    await pay(second, 100_000);
    await ledgerEntry(second, 300_000, new Date());

    const opp = await post('/opportunities', { customerId: own.customerId, name: '二期' }, own.sales.token);
    const detail = await get(`/opportunities/${opp.body.id}`, own.sales.token);
    expectStatus(detail, 200);
    expect(detail.body.pastCooperation.payments).toEqual({
      issued: 2,
      paid: 2,
      paidOnTime: 1,
      paidLate: 1,
      overdueNow: 0,
      overdueAmount: 0,
      averageDaysLate: 10,
      lateLast12Months: 1,
    });
  });
});
