import { Types } from 'mongoose';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { newInvoice, payerWithInvoice, payFor } from '../support/pay';

let sys: TestSystem;
let finance: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const f = await sys.seed.staff('finance');
  finance = await sys.loginStaff(f.username, f.password);
});
afterAll(async () => {
  await sys?.close();
});

const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};
const invoiceOf = (id: string) => sys.server.container.models.invoices.findById(id).lean();

describe('paying an invoice in WeChat', () => {
  it('creates the payment for the open amount with wx.requestPayment parameters, and the simulator pays it', async () => {
    const p = await payerWithInvoice(sys, 250_000);
    const res = await payFor(sys, p.invoiceId, p.token, 'key-first-0001');
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ amount: 250_000, status: 'created', invoiceId: p.invoiceId });
    expect(res.body.requestPayment).toMatchObject({ signType: 'RSA', appId: sys.config.wechat.appId });
    expect(res.body.requestPayment.package).toMatch(/^prepay_id=/);

    const delivered = await sys.sim.simulatePayment(res.body.payment.outTradeNo);
    expect(delivered).toMatchObject({ delivered: true, status: 204 });
    const inv = await waitFor(
      () => invoiceOf(p.invoiceId),
      (i) => i?.status === 'paid',
    );
    expect(inv).toMatchObject({ status: 'paid', paidAmount: 250_000 });
    const pay = await sys.api.get(`/api/v1/payments/${res.body.payment.id}`, p.token);
    expect(pay.body).toMatchObject({ status: 'paid', amount: 250_000 });
    expect(pay.body.transactionId).toMatch(/^4200/);
    // the receipt notice (customer: inbox + subscribe message; finance: inbox), once despite WeChat's duplicate
    await sys.sim.simulatePayment(res.body.payment.outTradeNo);
    const receipt = await waitFor(
      () =>
        sys.server.container.models.notices
          .find({ eventId: `payment.succeeded:${res.body.payment.id}` })
          .lean(),
      (n) => n.length >= 3,
    );
    expect(receipt.map((n) => n.channel).sort()).toEqual(['inbox', 'inbox', 'subscribe']);
    // paid: nothing more to pay
    const again = await payFor(sys, p.invoiceId, p.token, 'key-second-0001');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVOICE_NOT_PAYABLE');
  });

  it('answers the same payment for the same Idempotency-Key, also for 20 concurrent requests', async () => {
    const p = await payerWithInvoice(sys, 99_900);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => payFor(sys, p.invoiceId, p.token, 'key-concurrent-01')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.payment.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.requestPayment.package)).size).toBe(1);
    const count = await sys.server.container.models.payments.countDocuments({
      invoiceId: new Types.ObjectId(p.invoiceId),
    });
    expect(count).toBe(1);
    const other = await newInvoice(sys, p.customer.id, 5_000);
    const reused = await payFor(sys, other.id, p.token, 'key-concurrent-01');
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('requires the Idempotency-Key header, and only the invoice customer may pay', async () => {
    const p = await payerWithInvoice(sys);
    const noKey = await sys.api.request('POST', `/api/v1/invoices/${p.invoiceId}/payments`, {
      token: p.token,
    });
    expect(noKey.status).toBe(400);
    const stranger = await payerWithInvoice(sys);
    const foreign = await payFor(sys, p.invoiceId, stranger.token, 'key-foreign-0001');
    expect(foreign.status).toBe(404);
    const staff = await payFor(sys, p.invoiceId, finance, 'key-staff-00001');
    expect(staff.status).toBe(403);
    expect(
      await sys.server.container.models.payments.countDocuments({
        invoiceId: new Types.ObjectId(p.invoiceId),
      }),
    ).toBe(0);
  });

  it('refuses to pay a void invoice', async () => {
    const p = await payerWithInvoice(sys, 80_000);
    await sys.server.container.models.invoices.updateOne({ _id: p.invoiceId }, { $set: { status: 'void' } });
    const voided = await payFor(sys, p.invoiceId, p.token, 'key-void-000001');
    expect(voided.status).toBe(409);
  });

  it('a new pay tap closes the older unpaid order, so the invoice can never be paid twice', async () => {
    const p = await payerWithInvoice(sys, 40_000);
    const first = await payFor(sys, p.invoiceId, p.token, 'key-tap-one-0001');
    const second = await payFor(sys, p.invoiceId, p.token, 'key-tap-two-0001');
    expect(second.status).toBe(200);
    expect(second.body.payment.amount).toBe(40_000);
    expect((await sys.api.get(`/api/v1/payments/${first.body.payment.id}`, p.token)).body.status).toBe(
      'closed',
    );
    await expect(sys.sim.simulatePayment(first.body.payment.outTradeNo)).rejects.toThrow(/关闭/);
    // the older order was paid and its notification lost: a new tap settles it and finds nothing open
    await sys.sim.simulatePayment(second.body.payment.outTradeNo, { notify: false });
    const third = await payFor(sys, p.invoiceId, p.token, 'key-tap-three-01');
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('INVOICE_NOT_PAYABLE');
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ status: 'paid', paidAmount: 40_000 });
  });

  it('documents the payment and refund endpoints in the OpenAPI document', async () => {
    const doc = await sys.api.get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/invoices/{id}/payments',
        '/payments/{id}',
        '/payments/{id}/refunds',
        '/refunds/{id}/approve',
      ]),
    );
  });

  it('lists payments per invoice for finance and the customer, cursor-paged', async () => {
    const p = await payerWithInvoice(sys, 10_000);
    const created = await payFor(sys, p.invoiceId, p.token, 'key-list-000001');
    await payFor(sys, p.invoiceId, p.token, 'key-list-000002');
    const mine = await sys.api.get(`/api/v1/payments?invoiceId=${p.invoiceId}&limit=1`, p.token);
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.nextCursor).not.toBeNull();
    const next = await sys.api.get(
      `/api/v1/payments?invoiceId=${p.invoiceId}&limit=1&cursor=${mine.body.nextCursor}`,
      p.token,
    );
    expect(next.body.items[0].id).toBe(created.body.payment.id);
    const fin = await sys.api.get(`/api/v1/payments?customerId=${p.customer.id}`, finance);
    expect(fin.body.items).toHaveLength(2);
    const stranger = await payerWithInvoice(sys);
    const theirs = await sys.api.get(`/api/v1/payments/${created.body.payment.id}`, stranger.token);
    expect(theirs.status).toBe(404);
  });
});

describe('what WeChat tells the customer decides at once', () => {
  const cancel = (id: string, token: string) =>
    sys.api.request('POST', `/api/v1/payments/${id}/cancel`, { token });
  const ledgerCount = (invoiceId: string) =>
    sys.server.container.models.paymentLedger.countDocuments({ invoiceId: new Types.ObjectId(invoiceId) });

  it('a cancelled pay sheet closes the order at WeChat and the customer can pay again immediately', async () => {
    const p = await payerWithInvoice(sys, 10_889);
    const first = await payFor(sys, p.invoiceId, p.token, 'key-cancel-one-01');
    const cancelled = await cancel(first.body.payment.id, p.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: first.body.payment.id, status: 'closed' });
    // WeChat will not take money for the closed order any more
    await expect(sys.sim.simulatePayment(first.body.payment.outTradeNo)).rejects.toThrow(/关闭/);
    const audit = await sys.server.container.audit.forResource('payment', first.body.payment.id);
    expect(audit.find((a) => a.action === 'payment.closed')).toMatchObject({
      after: { reason: 'cancelled' },
    });
    const second = await payFor(sys, p.invoiceId, p.token, 'key-cancel-two-01');
    expect(second.status).toBe(200);
    expect(second.body.payment).toMatchObject({ amount: 10_889, status: 'created' });
    expect(second.body.requestPayment.package).toMatch(/^prepay_id=/);
    await sys.sim.simulatePayment(second.body.payment.outTradeNo);
    const inv = await waitFor(
      () => invoiceOf(p.invoiceId),
      (i) => i?.status === 'paid',
    );
    expect(inv).toMatchObject({ status: 'paid', paidAmount: 10_889 });
    expect(await ledgerCount(p.invoiceId)).toBe(1);
  });

  it('a payment that went through just before the cancel is settled instead of closed, and its late notification applies once', async () => {
    const p = await payerWithInvoice(sys, 10_889);
    const res = await payFor(sys, p.invoiceId, p.token, 'key-cancel-race-01');
    await sys.sim.simulatePayment(res.body.payment.outTradeNo, { notify: false });
    const cancelled = await cancel(res.body.payment.id, p.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('paid');
    const late = await sys.sim.simulatePayment(res.body.payment.outTradeNo);
    expect(late).toMatchObject({ delivered: true, status: 204 });
    expect(await ledgerCount(p.invoiceId)).toBe(1);
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ status: 'paid', paidAmount: 10_889 });
    const again = await payFor(sys, p.invoiceId, p.token, 'key-cancel-race-02');
    expect(again.status).toBe(409);
  });

  it('a payment made between our query and our close (WeChat answers ORDERPAID) is settled, not closed', async () => {
    const p = await payerWithInvoice(sys, 10_889);
    const res = await payFor(sys, p.invoiceId, p.token, 'key-cancel-orderpaid');
    // the query passes at once; the close is held long enough for the customer's payment to land first
    sys.sim.injectFault({ endpoint: 'pay', delayMs: 0 });
    sys.sim.injectFault({ endpoint: 'pay', delayMs: 1_500 });
    const cancelling = cancel(res.body.payment.id, p.token);
    await new Promise((r) => setTimeout(r, 600));
    await sys.sim.simulatePayment(res.body.payment.outTradeNo, { notify: false });
    const cancelled = await cancelling;
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('paid');
    const late = await sys.sim.simulatePayment(res.body.payment.outTradeNo);
    expect(late).toMatchObject({ delivered: true, status: 204 });
    expect(await ledgerCount(p.invoiceId)).toBe(1);
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ status: 'paid', paidAmount: 10_889 });
  });

  it('only the paying customer may cancel; a paid or closed payment is answered as it is', async () => {
    const p = await payerWithInvoice(sys, 5_000);
    const res = await payFor(sys, p.invoiceId, p.token, 'key-cancel-who-01');
    const stranger = await payerWithInvoice(sys);
    expect((await cancel(res.body.payment.id, stranger.token)).status).toBe(404);
    expect((await cancel(res.body.payment.id, finance)).status).toBe(403);
    expect((await cancel(res.body.payment.id, p.token)).body.status).toBe('closed');
    expect((await cancel(res.body.payment.id, p.token)).body.status).toBe('closed');
  });

  it('an unknown outcome is checked again at WeChat on request (?refresh=1), at most once every few seconds', async () => {
    const p = await payerWithInvoice(sys, 7_700);
    const res = await payFor(sys, p.invoiceId, p.token, 'key-refresh-0001');
    const id = res.body.payment.id as string;
    const unpaid = await sys.api.get(`/api/v1/payments/${id}?refresh=1`, p.token);
    expect(unpaid.status).toBe(200);
    expect(unpaid.body.status).toBe('created');
    // the notification is lost; the customer taps 重新查询 again too soon, then a little later
    await sys.sim.simulatePayment(res.body.payment.outTradeNo, { notify: false });
    const tooSoon = await sys.api.get(`/api/v1/payments/${id}?refresh=1`, p.token);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.message).toMatch(/频繁/);
    await new Promise((r) => setTimeout(r, 3_100));
    const paid = await sys.api.get(`/api/v1/payments/${id}?refresh=1`, p.token);
    expect(paid.body.status).toBe('paid');
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ status: 'paid', paidAmount: 7_700 });
  });
});
