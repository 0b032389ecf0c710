import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { merchantOf, payerWithInvoice, payFor } from '../support/pay';

/**
 * What a crash between two writes of a payment leaves behind, written straight into this test's
 * database: the ledger entry (the first write, the money) is there, the later ones — the payment's
 * status, the invoice's cached paidAmount — are not. Every money path must read the ledger.
 */
let sys: TestSystem;
let finance: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const f = await sys.seed.staff('finance');
  finance = await sys.loginStaff(f.username, f.password);
});
afterEach(async () => {
  await fetch(`${sys.sim.url}/__sim/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  await sys?.close();
});

const models = () => sys.server.container.models;
const ledgerEntries = (invoiceId: string) =>
  models()
    .paymentLedger.find({ invoiceId: new Types.ObjectId(invoiceId) })
    .lean();

/**
 * The customer pays at WeChat, then the API dies right after the notification's ledger entry:
 * `settle` (the insert) ran, `finish` never did. With `markedPaid` the crash came one write later,
 * after the payment was marked paid and before the invoice was recalculated.
 */
async function paidThenCrashed(amount: number, markedPaid: boolean) {
  const p = await payerWithInvoice(sys, amount);
  const res = await payFor(sys, p.invoiceId, p.token, `key-crash-${crypto.randomBytes(4).toString('hex')}`);
  expect(res.status).toBe(200);
  const { outTradeNo, id: paymentId } = res.body.payment as { outTradeNo: string; id: string };
  await sys.sim.simulatePayment(outTradeNo, { notify: false });
  const m = merchantOf(sys);
  const transactionId = `4200${crypto.randomInt(1e9, 9e9)}${crypto.randomInt(1e9, 9e9)}`;
  const { applied } = await sys.server.container.services.paymentSettlement.settle({
    appId: m.appId,
    mchId: m.mchId,
    outTradeNo,
    transactionId,
    state: 'SUCCESS',
    amount,
    payerOpenid: p.openid,
    successTime: new Date(),
  });
  expect(applied).toBe(true);
  if (markedPaid)
    await models().payments.updateOne(
      { _id: paymentId },
      { $set: { status: 'paid', transactionId, paidAt: new Date() } },
    );
  const inv = await models().invoices.findById(p.invoiceId).lean();
  expect(inv).toMatchObject({ status: 'issued', paidAmount: 0 });
  return { ...p, paymentId, outTradeNo };
}

describe('what is payable comes from the ledger, whatever a crash left behind', () => {
  it('a ¥108.89 invoice paid once cannot be paid again when the invoice was not recalculated', async () => {
    const p = await paidThenCrashed(10_889, true);
    const again = await payFor(sys, p.invoiceId, p.token, 'key-crash-again-01');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVOICE_NOT_PAYABLE');
    expect(again.body.error.message).toMatch(/付清/);
    const entries = await ledgerEntries(p.invoiceId);
    expect(entries.map((e) => e.amount)).toEqual([10_889]);
    expect(await models().payments.countDocuments({ invoiceId: new Types.ObjectId(p.invoiceId) })).toBe(1);
    // the customer and finance see it paid, not ¥108.89 open
    for (const token of [p.token, finance]) {
      const view = await sys.api.get(`/api/v1/invoices/${p.invoiceId}`, token);
      expect(view.body).toMatchObject({ status: 'paid', paidAmount: 10_889, openAmount: 0 });
    }
    const list = await sys.api.get(`/api/v1/invoices?customerId=${p.customer.id}`, finance);
    expect(list.body.items[0]).toMatchObject({ id: p.invoiceId, status: 'paid', openAmount: 0 });
  });

  it('a payment whose ledger entry is written but whose status is still created counts as paid, even with WeChat unreachable', async () => {
    const p = await paidThenCrashed(10_889, false);
    sys.sim.injectFault({ endpoint: 'pay', httpStatus: 500, times: 5 });
    const again = await payFor(sys, p.invoiceId, p.token, 'key-crash-again-02');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVOICE_NOT_PAYABLE');
    expect((await ledgerEntries(p.invoiceId)).length).toBe(1);
    const payment = await sys.api.get(`/api/v1/payments/${p.paymentId}`, p.token);
    expect(payment.body.status).toBe('paid');
  });

  it('refunds are limited by the ledger: a payment still created with its entry written is refundable, never beyond what it paid', async () => {
    const p = await paidThenCrashed(30_000, false);
    const tooMuch = await sys.api.post(
      `/api/v1/payments/${p.paymentId}/refunds`,
      { amount: 30_001, reason: '退多了' },
      finance,
    );
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('REFUND_EXCEEDS_PAID');
    const part = await sys.api.post(
      `/api/v1/payments/${p.paymentId}/refunds`,
      { amount: 10_000, reason: '部分退款' },
      finance,
    );
    expect(part.status).toBe(201);
  });

  it('a refund whose ledger entry is written reopens the invoice by that amount, and the next order is sized from it', async () => {
    const p = await paidThenCrashed(25_000, true);
    // finish the payment properly, then crash a refund after its ledger entry
    await sys.server.container.services.paymentSettlement.finish(p.paymentId);
    expect(await models().invoices.findById(p.invoiceId).lean()).toMatchObject({ status: 'paid' });
    const refundId = new Types.ObjectId();
    const outRefundNo = `RI${String(refundId)}`;
    await models().refunds.create({
      _id: refundId,
      paymentId: new Types.ObjectId(p.paymentId),
      invoiceId: new Types.ObjectId(p.invoiceId),
      customerId: new Types.ObjectId(p.customer.id),
      outRefundNo,
      amount: 4_000,
      reason: '少做了一项',
      status: 'processing',
      requestedBy: new Types.ObjectId(),
      requestedByName: '财务',
      needsApproval: false,
      approvals: [],
    });
    await models().paymentLedger.create({
      key: `refund:${outRefundNo}`,
      kind: 'refund',
      invoiceId: new Types.ObjectId(p.invoiceId),
      paymentId: new Types.ObjectId(p.paymentId),
      refundId,
      amount: 4_000,
      wechatId: `50300${crypto.randomInt(1e9, 9e9)}`,
      at: new Date(),
    });
    const view = await sys.api.get(`/api/v1/invoices/${p.invoiceId}`, p.token);
    expect(view.body).toMatchObject({ openAmount: 4_000, refundedAmount: 4_000, status: 'partially_paid' });
    // the refund still processing holds its money: only 21 000 more may be refunded
    const over = await sys.api.post(
      `/api/v1/payments/${p.paymentId}/refunds`,
      { amount: 21_001, reason: '再退' },
      finance,
    );
    expect(over.status).toBe(409);
    const again = await payFor(sys, p.invoiceId, p.token, 'key-crash-again-03');
    expect(again.status).toBe(200);
    expect(again.body.payment.amount).toBe(4_000);
  });

  it('receivables and the overdue job see the money the ledger holds', async () => {
    const p = await paidThenCrashed(10_889, false);
    await models().invoices.updateOne(
      { _id: p.invoiceId },
      { $set: { dueDate: new Date('2026-11-01T00:00:00Z') } },
    );
    const rec = await sys.api.get('/api/v1/receivables', finance);
    expect(
      rec.body.customers.find((c: { customerId: string }) => c.customerId === p.customer.id),
    ).toBeUndefined();
    const seen: string[] = [];
    sys.server.container.events.subscribe('invoice.overdue', async (e) => {
      if (e.payload.invoiceId === p.invoiceId) seen.push(e.id);
    });
    await sys.server.container.services.overdue.run(new Date('2026-11-20T10:00:00+08:00'));
    const inv = await models().invoices.findById(p.invoiceId).lean();
    expect(inv?.status).not.toBe('overdue');
    expect(seen).toEqual([]);
    const overdueList = await sys.api.get(
      `/api/v1/invoices?overdue=true&customerId=${p.customer.id}`,
      finance,
    );
    expect(overdueList.body.items.filter((i: { openAmount: number }) => i.openAmount > 0)).toEqual([]);
  });
});
