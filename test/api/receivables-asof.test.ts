import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';
import { payFor } from '../support/pay';

/**
 * GET /receivables?asOf=D for a past day D: open amounts as they stood at the end of D (Shanghai),
 * rebuilt from the payment ledger. Money moves through the real payment and refund flows (WeChat Pay
 * simulator); only the fixtures' places in time (issuedAt, dueDate, voidedAt, ledger `at`) are set
 * through the models, since the test cannot wait weeks.
 */
let sys: TestSystem;
let finance: string;

const DAY_MS = 86_400_000;
const models = () => sys.server.container.models;
const get = (path: string) => sys.api.get(`/api/v1${path}`, finance);
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** An instant on Shanghai calendar day `day` at `hhmm` local time. */
const shanghai = (day: string, hhmm = '12:00') => new Date(Date.parse(`${day}T${hhmm}:00+08:00`));

const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};
const invoiceOf = (id: string) => models().invoices.findById(id).lean();

async function payer(name: string) {
  const openid = `o_recv_${crypto.randomBytes(4).toString('hex')}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name });
  return { customerId: customer.id, token: await sys.loginWechat(openid) };
}

/** An issued invoice placed in time: issued at `issuedAt`, due on calendar day `due`. */
async function invoice(customerId: string, amount: number, issuedAt: Date, due: string) {
  const n = crypto.randomBytes(3).toString('hex');
  const doc = await models().invoices.create({
    number: `HT-RCV-${n}-01`,
    contractId: new Types.ObjectId(),
    contractNumber: `HT-RCV-${n}`,
    installmentId: new Types.ObjectId(),
    customerId: new Types.ObjectId(customerId),
    amount,
    status: 'issued',
    issuedAt,
    dueDate: new Date(`${due}T00:00:00Z`),
    reason: { kind: 'signing', milestoneId: null, milestoneName: null, installmentName: '首付款' },
  });
  return String(doc._id);
}

/** The customer pays the open amount through the simulator; returns the payment id once settled. */
async function payRest(invoiceId: string, token: string): Promise<string> {
  const res = await payFor(sys, invoiceId, token, `key-${new Types.ObjectId().toHexString()}`);
  expect(res.status).toBe(200);
  await sys.sim.simulatePayment(res.body.payment.outTradeNo);
  const inv = await waitFor(
    () => invoiceOf(invoiceId),
    (i) => i?.status === 'paid',
  );
  expect(inv?.status).toBe('paid');
  return res.body.payment.id as string;
}

/** Moves the ledger entries of `kind` for an invoice to `at` (when the money moved, for the fixture). */
const placeLedger = (invoiceId: string, kind: 'payment' | 'refund', at: Date) =>
  models().paymentLedger.updateMany({ invoiceId: new Types.ObjectId(invoiceId), kind }, { $set: { at } });

beforeAll(async () => {
  sys = await startTestSystem({
    overrides: { payments: { refundApprovalThreshold: 100_000, settleAfterSeconds: 0 } },
  });
  const u = await sys.seed.staff('finance');
  finance = await sys.loginStaff(u.username, u.password);
}, 60_000);
afterAll(async () => {
  await sys?.close();
});

const today = shanghaiToday();
const D = plusDays(today, -10);
let x: { customerId: string; token: string };
let y: { customerId: string; token: string };

/** Customer 甲: A paid in full after D, B partly paid on D and the rest after, E issued after D. */
async function customerX() {
  // A: 100 000, due D+3, paid in full after D (01:00 on D+1 Shanghai — still D in UTC)
  const a = await invoice(x.customerId, 100_000, shanghai(plusDays(D, -20)), plusDays(D, 3));
  await payRest(a, x.token);
  await placeLedger(a, 'payment', shanghai(plusDays(D, 1), '01:00'));
  // B: 80 000, due D−10; 30 000 paid at 23:59 on D, the other 50 000 now
  const b = await invoice(x.customerId, 80_000, shanghai(plusDays(D, -50)), plusDays(D, -10));
  const wechatId = `42000${new Types.ObjectId().toHexString()}`;
  await models().paymentLedger.create({
    key: `payment:${wechatId}`,
    kind: 'payment',
    invoiceId: new Types.ObjectId(b),
    paymentId: new Types.ObjectId(),
    amount: 30_000,
    wechatId,
    at: shanghai(D, '23:59'),
  });
  await sys.server.container.services.invoices.recalculate(b);
  await payRest(b, x.token);
  // E: 30 000, issued after D (01:00 on D+1), due D+20
  await invoice(x.customerId, 30_000, shanghai(plusDays(D, 1), '01:00'), plusDays(D, 20));
}

/** Customer 乙: C paid before D and partly refunded after, V voided after D, W before, F unpaid. */
async function customerY() {
  // C: 60 000, due D−100, paid in full on D−5, 20 000 refunded now
  const c = await invoice(y.customerId, 60_000, shanghai(plusDays(D, -110)), plusDays(D, -100));
  const paymentC = await payRest(c, y.token);
  await placeLedger(c, 'payment', shanghai(plusDays(D, -5)));
  const refund = await sys.api.post(
    `/api/v1/payments/${paymentC}/refunds`,
    { amount: 20_000, reason: '部分工程量取消' },
    finance,
  );
  expect(refund.status).toBe(201);
  const refunded = await waitFor(
    () => invoiceOf(c),
    (i) => i?.refundedAmount === 20_000,
  );
  expect(refunded?.status).toBe('partially_paid');
  // V: 40 000, due D−70, voided now (after D); W: 15 000, voided on D−1
  const v = await invoice(y.customerId, 40_000, shanghai(plusDays(D, -80)), plusDays(D, -70));
  const w = await invoice(y.customerId, 15_000, shanghai(plusDays(D, -30)), plusDays(D, -20));
  for (const id of [v, w]) {
    const res = await sys.api.post(`/api/v1/invoices/${id}/void`, { reason: '重复开具' }, finance);
    expect(res.status).toBe(200);
  }
  await models().invoices.updateOne(
    { _id: new Types.ObjectId(w) },
    { $set: { voidedAt: shanghai(plusDays(D, -1)) } },
  );
  // F: 25 000, due D−55, never paid
  await invoice(y.customerId, 25_000, shanghai(plusDays(D, -60)), plusDays(D, -55));
}

const report = async (q: string) => {
  const res = await get(`/receivables${q}`);
  expect(res.status).toBe(200);
  return res.body;
};
const zero = { current: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 };

describe('receivables as of a past day', () => {
  beforeAll(async () => {
    x = await payer('账龄甲客户');
    y = await payer('账龄乙客户');
    await customerX();
    await customerY();
  }, 60_000);

  it('as of D: what was open at the end of that Shanghai day, aged on D', async () => {
    // A open, not yet due; B 50 000 open, 10 days late; E not issued yet.
    // C settled; V not yet void, 70 days late; W already void; F 55 days late.
    const past = await report(`?asOf=${D}`);
    expect(past.asOf).toBe(D);
    expect(past.totals).toEqual({
      ...zero,
      current: 100_000,
      d0_30: 50_000,
      d31_60: 25_000,
      d61_90: 40_000,
      total: 215_000,
    });
    expect(past.customers).toEqual([
      {
        customerId: x.customerId,
        customerName: '账龄甲客户',
        ...zero,
        current: 100_000,
        d0_30: 50_000,
        total: 150_000,
        invoiceCount: 2,
      },
      {
        customerId: y.customerId,
        customerName: '账龄乙客户',
        ...zero,
        d31_60: 25_000,
        d61_90: 40_000,
        total: 65_000,
        invoiceCount: 2,
      },
    ]);
  });

  it('the day before D: the payment made at 23:59 on D is not in yet', async () => {
    const dayBefore = await report(`?asOf=${plusDays(D, -1)}`);
    expect(dayBefore.customers[0]).toMatchObject({
      customerId: x.customerId,
      current: 100_000,
      d0_30: 80_000,
      total: 180_000,
      invoiceCount: 2,
    });
  });

  it('the insights receivables figure for a window ending with D agrees with the report as of D', async () => {
    const admin = await sys.seed.staff('admin');
    const token = await sys.loginStaff(admin.username, admin.password);
    const to = new Date(Date.parse(`${D}T00:00:00+08:00`) + DAY_MS).toISOString();
    const from = new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
    const kpis = await sys.api.get(`/api/v1/insights/kpis?from=${from}&to=${to}`, token);
    expect(kpis.status).toBe(200);
    const past = await report(`?asOf=${D}`);
    const count = past.customers.reduce((n: number, c: { invoiceCount: number }) => n + c.invoiceCount, 0);
    expect(kpis.body.overall.receivables).toMatchObject({ openAmount: past.totals.total, count });
  });

  it('today (the default): the paid invoices are gone, the refund reopened C, the void ones are out', async () => {
    // A and B paid; E not yet due; C's refunded 20 000 is 110 days late; F 65 days.
    const now = await report('');
    expect(now.asOf).toBe(today);
    expect(now.totals).toEqual({ ...zero, current: 30_000, d61_90: 25_000, d90_plus: 20_000, total: 75_000 });
    expect(now.customers).toEqual([
      {
        customerId: y.customerId,
        customerName: '账龄乙客户',
        ...zero,
        d61_90: 25_000,
        d90_plus: 20_000,
        total: 45_000,
        invoiceCount: 2,
      },
      {
        customerId: x.customerId,
        customerName: '账龄甲客户',
        ...zero,
        current: 30_000,
        total: 30_000,
        invoiceCount: 1,
      },
    ]);
    expect(await report(`?asOf=${today}`)).toEqual(now);
  });
});

describe('receivables as of a day with many invoices (the ledger read in one pass)', () => {
  const day = '2020-01-15';
  const n = 600; // above the 500 that are still read with $in

  beforeAll(async () => {
    const { customerId } = await payer('批量客户');
    const ids = Array.from({ length: n }, () => new Types.ObjectId());
    await models().invoices.insertMany(
      ids.map((_id, i) => ({
        _id,
        number: `HT-BULK-${String(_id)}`,
        contractId: new Types.ObjectId(),
        contractNumber: 'HT-BULK',
        installmentId: new Types.ObjectId(),
        customerId: new Types.ObjectId(customerId),
        amount: 1_000 + (i % 2),
        paidAmount: 1_000 + (i % 2),
        status: 'paid',
        issuedAt: shanghai('2020-01-10'),
        dueDate: new Date('2020-01-12T00:00:00Z'),
        reason: { kind: 'signing', milestoneId: null, milestoneName: null, installmentName: '首付款' },
      })),
    );
    // even ones paid on the 14th (before the day), odd ones on the 20th (after it)
    await models().paymentLedger.insertMany(
      ids.map((_id, i) => ({
        key: `payment:bulk-${String(_id)}`,
        kind: 'payment',
        invoiceId: _id,
        paymentId: new Types.ObjectId(),
        refundId: null,
        amount: 1_000 + (i % 2),
        wechatId: `42bulk${String(_id)}`,
        at: shanghai(i % 2 === 0 ? '2020-01-14' : '2020-01-20'),
      })),
    );
  });

  it('counts only what was unpaid at the end of that day', async () => {
    const res = await get(`/receivables?asOf=${day}`);
    expect(res.status).toBe(200);
    const zero = { current: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 };
    expect(res.body.totals).toEqual({ ...zero, d0_30: 300 * 1_001, total: 300 * 1_001 });
    expect(res.body.customers).toEqual([
      expect.objectContaining({ customerName: '批量客户', invoiceCount: 300, total: 300 * 1_001 }),
    ]);
  });
});
