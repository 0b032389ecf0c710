import { Types } from 'mongoose';
import type { Invoice } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  APPROVAL_CONFIG,
  activeContract,
  confirmMilestone,
  contractCast,
  type ContractCast,
} from '../support/contract-cast';

let sys: TestSystem;
let cast: ContractCast;

const DAY_MS = 86_400_000;
const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const models = () => sys.server.container.models;
const invoicesOf = (contractId: string) =>
  models()
    .invoices.find({ contractId: new Types.ObjectId(contractId) })
    .sort({ number: 1 })
    .lean();
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** A settled payment (or refund) as the payments module records it in its ledger. */
async function ledger(invoiceId: string, kind: 'payment' | 'refund', amount: number) {
  const wechatId = `42000${new Types.ObjectId().toHexString()}`;
  await models().paymentLedger.create({
    key: `${kind}:${wechatId}`,
    kind,
    invoiceId: new Types.ObjectId(invoiceId),
    paymentId: new Types.ObjectId(),
    refundId: kind === 'refund' ? new Types.ObjectId() : null,
    amount,
    wechatId,
    at: new Date(),
  });
}

beforeAll(async () => {
  sys = await startTestSystem({ overrides: APPROVAL_CONFIG });
  cast = await contractCast(sys);
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('issued by the plan', () => {
  it('milestone confirmed → exactly one invoice and one notice, even when the event arrives again and concurrently', async () => {
    const c = await activeContract(sys, cast);
    expect((await invoicesOf(c.id)).map((i) => i.reason.installmentName)).toEqual(['首付款']);
    const milestone = cast.milestones[0]!;
    await confirmMilestone(sys, cast, milestone.id);
    let invoices = await invoicesOf(c.id);
    expect(invoices.map((i) => [i.reason.installmentName, i.amount])).toEqual([
      ['首付款', 3_000_000],
      ['进度款', 4_000_000],
    ]);
    const event = {
      customerId: cast.customerId,
      projectId: cast.projectId,
      milestoneId: milestone.id,
      milestoneName: milestone.name,
      round: 1,
    };
    const { events } = sys.server.container;
    await events.publish('milestone.confirmed', event, { id: `milestone.confirmed:${milestone.id}:1` });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        events.publish('milestone.confirmed', event, { id: `milestone.confirmed:${milestone.id}:1` }),
      ),
    );
    invoices = await invoicesOf(c.id);
    expect(invoices).toHaveLength(2);
    const due = invoices[1]!;
    const notices = await models()
      .notices.find({ eventType: 'invoice.issued', eventId: `invoice.issued:${String(due.installmentId)}` })
      .lean();
    expect(notices.filter((n) => n.channel === 'inbox')).toHaveLength(1);
    expect(notices[0]!.content.body).toContain(`节点「${milestone.name}」已确认`);
    expect(notices[0]!.content.body).toContain('¥40000.00');

    // the customer sees what is due and why
    const view = await get(`/invoices/${String(due._id)}`, cast.customer.token);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      status: 'issued',
      amount: 4_000_000,
      openAmount: 4_000_000,
      reason: { kind: 'milestone', milestoneId: milestone.id, milestoneName: milestone.name },
      dueDate: plusDays(shanghaiToday(), 15),
    });
    expect(view.body.reason.text).toContain(milestone.name);
  });

  it('a date installment is issued by the daily job once its day has come, once', async () => {
    const c = await activeContract(sys, cast, {
      amount: 600_000,
      plan: [
        { name: '首付款', amount: 100_000, trigger: { kind: 'signing' } },
        { name: '年度款', amount: 500_000, trigger: { kind: 'date', date: '2099-01-01' }, dueDays: 5 },
      ],
    });
    const triggers = sys.server.container.services.invoiceTriggers;
    await triggers.issueScheduled(new Date('2098-12-31T15:00:00Z')); // 2098-12-31 23:00 in Shanghai
    expect(await invoicesOf(c.id)).toHaveLength(1);
    await triggers.issueScheduled(new Date('2098-12-31T16:30:00Z')); // 2099-01-01 00:30 in Shanghai
    await triggers.issueScheduled(new Date('2099-01-02T16:30:00Z'));
    const invoices = await invoicesOf(c.id);
    expect(invoices).toHaveLength(2);
    expect(invoices[1]).toMatchObject({ amount: 500_000, reason: { kind: 'date' } });
    expect(invoices[1]!.dueDate.toISOString().slice(0, 10)).toBe('2099-01-06');
  });
});

describe('recovery', () => {
  it('a confirmation whose event was lost is invoiced by the daily job', async () => {
    const last = cast.milestones[cast.milestones.length - 1]!;
    const c = await activeContract(sys, cast, {
      amount: 90_000,
      plan: [{ name: '竣工款', amount: 90_000, trigger: { kind: 'milestone', milestoneId: last.id } }],
    });
    expect(await invoicesOf(c.id)).toHaveLength(0);
    // the milestone was confirmed, but milestone.confirmed never reached the contracts module
    await models().milestones.updateOne(
      { _id: new Types.ObjectId(last.id) },
      { $set: { status: 'confirmed', actualEnd: new Date() } },
    );
    await sys.server.container.services.invoiceTriggers.issueScheduled(new Date());
    await sys.server.container.services.invoiceTriggers.issueScheduled(new Date());
    const invoices = await invoicesOf(c.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      amount: 90_000,
      reason: { kind: 'milestone', milestoneName: last.name },
    });
  });
});

describe('partial payments (recalculate from the payment ledger)', () => {
  it('issued → partially paid → paid → reopened by a refund; recalculation is idempotent', async () => {
    const c = await activeContract(sys, cast, {
      amount: 100_000,
      plan: [{ name: '全款', percentBp: 10000, trigger: { kind: 'signing' } }],
    });
    const id = String((await invoicesOf(c.id))[0]!._id);
    const invoices = sys.server.container.services.invoices;
    await ledger(id, 'payment', 30_000);
    expect(await invoices.recalculate(id)).toMatchObject({ status: 'partially_paid', paidAmount: 30_000 });
    await ledger(id, 'payment', 70_000);
    const paid = await invoices.recalculate(id);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: 100_000, refundedAmount: 0 });
    expect(paid.paidAt).toBeInstanceOf(Date);
    await Promise.all([invoices.recalculate(id), invoices.recalculate(id), invoices.recalculate(id)]);
    const paidNotices = await models()
      .notices.find({ eventType: 'invoice.paid', channel: 'inbox', recipientKind: 'portal' })
      .lean();
    expect(paidNotices.filter((n) => n.eventId.includes(id))).toHaveLength(1);
    const payable = await get(`/invoices/${id}`, cast.customer.token);
    expect(payable.body).toMatchObject({ status: 'paid', openAmount: 0 });

    await ledger(id, 'refund', 20_000);
    const reopened = await invoices.recalculate(id);
    expect(reopened).toMatchObject({ status: 'partially_paid', refundedAmount: 20_000, paidAt: null });
    expect((await get(`/invoices/${id}`, cast.customer.token)).body.openAmount).toBe(20_000);
  });

  it('getPayable: the customer of the invoice only; nothing for a paid or void invoice', async () => {
    const c = await activeContract(sys, cast, {
      amount: 50_000,
      plan: [
        { name: 'A', amount: 25_000, trigger: { kind: 'signing' } },
        { name: 'B', amount: 25_000, trigger: { kind: 'signing' } },
      ],
    });
    const [a, b] = await invoicesOf(c.id);
    const invoices = sys.server.container.services.invoices;
    const me = { id: 'x', kind: 'portal' as const, role: 'customer' as const, name: '客户', sessionId: 's' };
    expect(await invoices.getPayable({ ...me, customerId: cast.customerId }, String(a!._id))).toMatchObject({
      openAmount: 25_000,
    });
    await expect(
      invoices.getPayable({ ...me, customerId: cast.otherCustomer.customerId }, String(a!._id)),
    ).rejects.toMatchObject({ status: 404 });
    await post(`/invoices/${String(b!._id)}/void`, { reason: '重复开具' }, cast.finance.token);
    await expect(
      invoices.getPayable({ ...me, customerId: cast.customerId }, String(b!._id)),
    ).rejects.toMatchObject({
      status: 409,
      code: 'INVOICE_NOT_PAYABLE',
    });
  });
});

describe('void and fapiao', () => {
  it('finance voids an unpaid invoice with a reason; not one with money on it; customers cannot', async () => {
    const c = await activeContract(sys, cast, {
      amount: 80_000,
      plan: [
        { name: 'A', amount: 40_000, trigger: { kind: 'signing' } },
        { name: 'B', amount: 40_000, trigger: { kind: 'signing' } },
      ],
    });
    const [a, b] = (await invoicesOf(c.id)).map((i) => String(i._id));
    expect((await post(`/invoices/${a}/void`, { reason: '开错' }, cast.customer.token)).status).toBe(403);
    expect((await post(`/invoices/${a}/void`, { reason: ' ' }, cast.finance.token)).status).toBe(400);
    const voided = await post(`/invoices/${a}/void`, { reason: '开错' }, cast.finance.token);
    expect(voided.body).toMatchObject({ status: 'void', voidReason: '开错', openAmount: 0 });
    expect((await post(`/invoices/${a}/void`, { reason: '开错' }, cast.finance.token)).status).toBe(200);
    await ledger(b!, 'payment', 1_000);
    await sys.server.container.services.invoices.recalculate(b!);
    const refused = await post(`/invoices/${b}/void`, { reason: '开错' }, cast.finance.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVOICE_NOT_VOIDABLE');
    const audit = await sys.server.container.audit.model.find({ resource: 'invoice', resourceId: a }).lean();
    expect(audit.map((e) => e.action)).toContain('invoice.voided');
  });

  it('fapiao: the customer requests, finance issues with number and date; out-of-order moves are refused', async () => {
    const c = await activeContract(sys, cast, {
      amount: 10_000,
      plan: [{ name: '全款', amount: 10_000, trigger: { kind: 'signing' } }],
    });
    const id = String((await invoicesOf(c.id))[0]!._id);
    const issue = { number: '04400123', issuedDate: '2026-11-28' };
    expect((await post(`/invoices/${id}/fapiao/issue`, issue, cast.finance.token)).status).toBe(409);
    expect(
      (await post(`/invoices/${id}/fapiao/request`, { title: '别家' }, cast.otherCustomer.token)).status,
    ).toBe(404);
    const requested = await post(
      `/invoices/${id}/fapiao/request`,
      { title: '华景置业有限公司', taxId: '91330100MA2' },
      cast.customer.token,
    );
    expect(requested.body.fapiao).toMatchObject({
      status: 'requested',
      title: '华景置业有限公司',
      taxId: '91330100MA2',
    });
    expect((await post(`/invoices/${id}/fapiao/request`, { title: 'x' }, cast.customer.token)).status).toBe(
      409,
    );
    expect((await post(`/invoices/${id}/fapiao/issue`, issue, cast.customer.token)).status).toBe(403);
    const issued = await post(`/invoices/${id}/fapiao/issue`, issue, cast.finance.token);
    expect(issued.body.fapiao).toMatchObject({
      status: 'issued',
      number: '04400123',
      issuedDate: '2026-11-28',
    });
    expect((await post(`/invoices/${id}/fapiao/issue`, issue, cast.finance.token)).status).toBe(409);
  });
});

describe('access and lists', () => {
  it('customers list their own invoices only; another customer gets 404; PM and sales owner read', async () => {
    const c = await activeContract(sys, cast);
    const id = String((await invoicesOf(c.id))[0]!._id);
    const mine = await get('/invoices?limit=100', cast.customer.token);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((i: Invoice) => i.customerId === cast.customerId)).toBe(true);
    expect((await get('/invoices', cast.otherCustomer.token)).body.items).toEqual([]);
    expect((await get(`/invoices/${id}`, cast.otherCustomer.token)).status).toBe(404);
    expect((await get(`/invoices/${id}`, cast.pm.token)).status).toBe(200);
    expect((await get(`/invoices/${id}`, cast.otherPm.token)).status).toBe(404);
    expect((await get(`/invoices/${id}`, cast.sales.token)).status).toBe(200);
    expect((await get(`/invoices/${id}`, cast.otherSales.token)).status).toBe(404);
    expect((await get(`/invoices/${id}`, cast.engineer.token)).status).toBe(404);
    const byContract = await get(`/invoices?contractId=${c.id}&status=issued`, cast.finance.token);
    // the signing installment, and the first milestone's (confirmed earlier in this file) at activation
    expect(byContract.body.items.map((i: Invoice) => i.reason.kind).sort()).toEqual(['milestone', 'signing']);
    expect(byContract.body.items.map((i: Invoice) => i.id)).toContain(id);
  });

  it('overdue=true lists open invoices past their due date', async () => {
    const c = await activeContract(sys, cast, {
      amount: 20_000,
      plan: [{ name: '全款', amount: 20_000, trigger: { kind: 'signing' } }],
    });
    const [inv] = await invoicesOf(c.id);
    const id = String(inv!._id);
    const overdue = () => get(`/invoices?overdue=true&contractId=${c.id}`, cast.finance.token);
    expect((await overdue()).body.items).toEqual([]);
    // time passes: the due date is now behind us
    await models().invoices.updateOne(
      { _id: inv!._id },
      { $set: { dueDate: new Date('2026-01-01T00:00:00Z') } },
    );
    expect((await overdue()).body.items.map((i: Invoice) => i.id)).toEqual([id]);
  });
});

describe('receivables', () => {
  it('open amounts per customer in aging buckets, computed by hand', async () => {
    const customer = await sys.seed.customer({ name: '账龄测试客户', ownerId: cast.sales.id });
    const plan = [0, 10, 40, 100].map((dueDays, i) => ({
      name: `第${i + 1}期`,
      amount: (i + 1) * 10_000,
      trigger: { kind: 'signing' },
      dueDays,
    }));
    const c = await activeContract(sys, cast, {
      customerId: customer.id,
      projectId: null,
      amount: 100_000,
      plan,
    });
    const invoices = await invoicesOf(c.id);
    // 2 000 fen paid on the second installment
    await ledger(String(invoices[1]!._id), 'payment', 2_000);
    await sys.server.container.services.invoices.recalculate(String(invoices[1]!._id));
    const today = shanghaiToday();
    const rowFor = async (asOf: string) => {
      const res = await get(`/receivables?asOf=${asOf}`, cast.finance.token);
      expect(res.status).toBe(200);
      return res.body.customers.find((r: { customerId: string }) => r.customerId === customer.id);
    };
    // today: due today (0 days) → 0–30; the rest not yet due
    expect(await rowFor(today)).toMatchObject({
      current: 18_000 + 30_000 + 40_000,
      d0_30: 10_000,
      d31_60: 0,
      d61_90: 0,
      d90_plus: 0,
      total: 98_000,
      invoiceCount: 4,
    });
    // 100 days on: 100, 90, 60 and 0 days past due
    expect(await rowFor(plusDays(today, 100))).toMatchObject({
      current: 0,
      d0_30: 40_000,
      d31_60: 30_000,
      d61_90: 18_000,
      d90_plus: 10_000,
      total: 98_000,
      customerName: '账龄测试客户',
    });
    // before the invoices were issued, nothing was receivable
    expect(await rowFor(plusDays(today, -1))).toBeUndefined();
    expect((await get('/receivables', cast.sales.token)).status).toBe(403);
    expect((await get('/receivables', cast.customer.token)).status).toBe(403);
  });
});
