import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { DomainEvent } from '../../server/src/core/events';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The overdue ladder, rung by rung, driven by the job's service with an injected clock (the
 * scheduler passes its tick the same way). Invoices are seeded as the contracts module stores them.
 */
let sys: TestSystem;
let finance: string;
let salesToken: string;
let owner: { id: string };
let manager: { id: string };
const events: DomainEvent[] = [];

beforeAll(async () => {
  sys = await startTestSystem();
  const f = await sys.seed.staff('finance');
  finance = await sys.loginStaff(f.username, f.password);
  manager = await sys.seed.staff('admin');
  const sales = await sys.seed.staff('sales');
  owner = sales;
  salesToken = await sys.loginStaff(sales.username, sales.password);
  await sys.server.container.models.staffUsers.updateOne(
    { _id: sales.id },
    { $set: { managerId: new Types.ObjectId(manager.id) } },
  );
  for (const name of ['invoice.overdue', 'invoice.overdue_staff', 'invoice.overdue_manager'])
    sys.server.container.events.subscribe(name, async (e) => {
      events.push(e);
    });
});

afterAll(async () => {
  await sys?.close();
});

const overdue = () => sys.server.container.services.overdue;
/** 10:00 in Shanghai on the given day. */
const shanghai = (day: string) => new Date(`${day}T10:00:00+08:00`);

async function seedInvoice(customerId: string, fields: Record<string, unknown> = {}) {
  const doc = await sys.server.container.models.invoices.create({
    number: `INV-${randomBytes(4).toString('hex')}`,
    contractId: new Types.ObjectId(),
    contractNumber: 'HT-TEST',
    installmentId: new Types.ObjectId(),
    customerId: new Types.ObjectId(customerId),
    amount: 100_000,
    status: 'issued',
    issuedAt: new Date('2026-10-20T00:00:00Z'),
    dueDate: new Date('2026-11-01T00:00:00Z'),
    reason: {
      kind: 'milestone',
      milestoneId: null,
      milestoneName: '主体结构封顶',
      installmentName: '第二期进度款',
    },
    ...fields,
  });
  return String(doc._id);
}

/** A payment's ledger entry, as the notification writes it before the invoice is recalculated. */
async function ledgerPayment(invoiceId: string, amount: number, at: Date) {
  await sys.server.container.models.paymentLedger.create({
    key: `payment:PI${String(new Types.ObjectId())}`,
    kind: 'payment',
    invoiceId: new Types.ObjectId(invoiceId),
    paymentId: new Types.ObjectId(),
    amount,
    wechatId: `4200${randomBytes(8).toString('hex')}`,
    at,
  });
}

/** An invoice paid in full at `paidAt`: the ledger entry and the invoice's cached totals. */
async function seedPaid(customerId: string, dueDate: Date, paidAt: Date) {
  const id = await seedInvoice(customerId, { status: 'paid', dueDate, paidAt, paidAmount: 100_000 });
  await ledgerPayment(id, 100_000, paidAt);
  return id;
}

const stepsOf = (invoiceId: string) =>
  sys.server.container.models.overdueSteps.find({ invoiceId }).sort({ rung: 1 }).lean();
const eventsOf = (invoiceId: string) => events.filter((e) => e.payload.invoiceId === invoiceId);

describe('overdue ladder', () => {
  let customer: { id: string; name: string };
  let invoiceId: string;

  beforeAll(async () => {
    customer = await sys.seed.customer({ ownerId: owner.id });
    invoiceId = await seedInvoice(customer.id);
  });

  it('does nothing on the due day itself', async () => {
    const result = await overdue().run(shanghai('2026-11-01'));
    expect(result.marked).toBe(0);
    const inv = await sys.server.container.models.invoices.findById(invoiceId).lean();
    expect(inv).toMatchObject({ status: 'issued', overdueLevel: 0 });
  });

  it('day 1: marks the invoice overdue and sends the customer one polite reminder', async () => {
    await overdue().run(shanghai('2026-11-02'));
    await overdue().run(shanghai('2026-11-02'));
    const inv = await sys.server.container.models.invoices.findById(invoiceId).lean();
    expect(inv).toMatchObject({ status: 'overdue', overdueLevel: 1 });
    expect(eventsOf(invoiceId).map((e) => e.name)).toEqual(['invoice.overdue']);
    expect(eventsOf(invoiceId)[0]!.payload).toMatchObject({
      customerId: customer.id,
      amount: 100_000,
      daysOverdue: 1,
      installmentName: '第二期进度款',
    });
    const notices = await sys.server.container.conn
      .collection('audit_log')
      .find({ action: 'invoice.overdue', resourceId: invoiceId })
      .toArray();
    expect(notices).toHaveLength(1);
  });

  it('day 7: the sales owner and finance, once', async () => {
    await overdue().run(shanghai('2026-11-06'));
    expect(eventsOf(invoiceId)).toHaveLength(1);
    await overdue().run(shanghai('2026-11-08'));
    await overdue().run(shanghai('2026-11-09'));
    const staff = eventsOf(invoiceId).filter((e) => e.name === 'invoice.overdue_staff');
    expect(staff).toHaveLength(1);
    expect(staff[0]!.payload).toMatchObject({
      ownerId: owner.id,
      customerName: customer.name,
      daysOverdue: 7,
    });
  });

  it("day 15: the owner's manager, once even when runs overlap", async () => {
    await Promise.all([1, 2, 3].map(() => overdue().run(shanghai('2026-11-16'))));
    const toManager = eventsOf(invoiceId).filter((e) => e.name === 'invoice.overdue_manager');
    expect(toManager).toHaveLength(1);
    expect(toManager[0]!.payload).toMatchObject({ managerId: manager.id, rung: 3 });
    expect((await stepsOf(invoiceId)).map((s) => s.rung)).toEqual([1, 2, 3]);
  });

  it('an agreed payment arrangement pauses the ladder; withdrawing it resumes', async () => {
    const path = `/api/v1/invoices/${invoiceId}/arrangement`;
    expect((await sys.api.post(path, { agreed: true }, salesToken)).status).toBe(403);
    const agreed = await sys.api.post(
      path,
      { agreed: true, note: '客户承诺 12 月 15 日前分两次付清' },
      finance,
    );
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({
      id: invoiceId,
      arrangementAgreed: true,
      arrangementNote: '客户承诺 12 月 15 日前分两次付清',
      status: 'overdue',
    });
    await overdue().run(shanghai('2026-12-01'));
    expect(eventsOf(invoiceId)).toHaveLength(3);

    const withdrawn = await sys.api.post(path, { agreed: false }, finance);
    expect(withdrawn.body).toMatchObject({ arrangementAgreed: false, arrangementNote: null });
    await overdue().run(shanghai('2026-12-01'));
    await overdue().run(shanghai('2026-12-02'));
    expect(eventsOf(invoiceId).map((e) => e.payload.rung)).toEqual([1, 2, 3, 4]);
    const audit = await sys.server.container.conn
      .collection('audit_log')
      .find({
        resourceId: invoiceId,
        action: { $in: ['invoice.arrangement_agreed', 'invoice.arrangement_withdrawn'] },
      })
      .toArray();
    expect(audit).toHaveLength(2);
  });

  it('an invoice paid before the job runs never escalates', async () => {
    const paid = await seedInvoice(customer.id, {
      status: 'paid',
      paidAmount: 100_000,
      paidAt: new Date('2026-10-30T03:00:00Z'),
    });
    // paid is what the ledger holds: the payment's entry, as the notification writes it
    await sys.server.container.models.paymentLedger.create({
      key: `payment:PI${String(new Types.ObjectId())}`,
      kind: 'payment',
      invoiceId: new Types.ObjectId(paid),
      paymentId: new Types.ObjectId(),
      amount: 100_000,
      wechatId: `4200${randomBytes(8).toString('hex')}`,
      at: new Date('2026-10-30T03:00:00Z'),
    });
    // nothing left to arrange on a paid invoice
    const arrange = await sys.api.post(
      `/api/v1/invoices/${paid}/arrangement`,
      { agreed: true, note: '下月付' },
      finance,
    );
    expect(arrange.status).toBe(409);
    expect(arrange.body.error.code).toBe('INVOICE_NOT_OPEN');
    await overdue().run(shanghai('2026-12-20'));
    expect(eventsOf(paid)).toHaveLength(0);
    expect(await stepsOf(paid)).toHaveLength(0);
  });
});

describe('late payments and the risk tier', () => {
  it('two late payments in 12 months move the customer to risk when the invoice is paid', async () => {
    const now = Date.now();
    const c = await sys.seed.customer({ ownerId: owner.id });
    const day = (d: number) =>
      new Date(new Date(now + d * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z');
    // One on time, one paid three days late: not yet risk.
    await seedPaid(c.id, day(-60), day(-61));
    const lateOne = await seedPaid(c.id, day(-40), day(-37));
    await sys.server.container.events.publish('invoice.paid', { customerId: c.id, invoiceId: lateOne });
    let stored = await sys.server.container.models.customers.findById(c.id).lean();
    expect(stored!.tier).not.toBe('risk');

    const lateTwo = await seedPaid(c.id, day(-20), day(-10));
    await sys.server.container.events.publish('invoice.paid', { customerId: c.id, invoiceId: lateTwo });
    stored = await sys.server.container.models.customers.findById(c.id).lean();
    expect(stored!.tier).toBe('risk');

    const admin = await sys.seed.staff('admin');
    const token = await sys.loginStaff(admin.username, admin.password);
    const score = await sys.api.get(`/api/v1/customers/${c.id}/score`, token);
    expect(score.status).toBe(200);
    const punctuality = score.body.factors.find((f: any) => f.factor === 'paymentPunctuality');
    expect(punctuality).toMatchObject({ hasProvider: true });
    expect(punctuality.raw).toBeCloseTo(1 / 3, 2);
    expect(score.body).toMatchObject({ tier: 'risk', tierRule: 'risk' });
  });

  it('punctuality follows the ledger where a crash left the invoice unpaid (stale status, no paidAt)', async () => {
    const now = Date.now();
    const c = await sys.seed.customer({ ownerId: owner.id });
    const day = (d: number) =>
      new Date(new Date(now + d * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z');
    // Both paid in full before they fell due; the crash came before the invoices were recalculated,
    // and the overdue job then marked the first one overdue from its stale cached totals.
    const first = await seedInvoice(c.id, { status: 'overdue', dueDate: day(-30) });
    await ledgerPayment(first, 100_000, day(-31));
    const second = await seedInvoice(c.id, { status: 'issued', dueDate: day(-20) });
    await ledgerPayment(second, 40_000, day(-26));
    await ledgerPayment(second, 60_000, day(-25));
    // Paid in full three days late, in two parts: the day of the second part counts.
    const third = await seedInvoice(c.id, {
      status: 'partially_paid',
      paidAmount: 50_000,
      dueDate: day(-10),
    });
    await ledgerPayment(third, 50_000, day(-12));
    await ledgerPayment(third, 50_000, day(-7));
    await sys.server.container.events.publish('invoice.paid', { customerId: c.id, invoiceId: third });

    const admin = await sys.seed.staff('admin');
    const token = await sys.loginStaff(admin.username, admin.password);
    const score = await sys.api.get(`/api/v1/customers/${c.id}/score`, token);
    expect(score.status).toBe(200);
    const factor = (name: string) => score.body.factors.find((f: any) => f.factor === name);
    expect(factor('paymentPunctuality').raw).toBeCloseTo(2 / 3, 2);
    // one late payment in 12 months: below the risk rule's two
    expect(score.body.tierRule).not.toBe('risk');
  });

  it('an invoice left overdue counts as late too', async () => {
    const c = await sys.seed.customer({ ownerId: owner.id });
    const { paymentRecords } = await import('../../server/src/modules/contracts/overdue.scoring');
    await seedInvoice(c.id, { status: 'overdue', dueDate: new Date(Date.now() - 5 * 86_400_000) });
    await seedInvoice(c.id, { status: 'issued', dueDate: new Date(Date.now() + 5 * 86_400_000) });
    const records = await paymentRecords(sys.server.container.models, [c.id]);
    expect(records.get(c.id)).toEqual({ late: 1, onTime: 0 });
  });
});
