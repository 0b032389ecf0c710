import { Types } from 'mongoose';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { notification, payerWithInvoice, payFor, postNotify } from '../support/pay';
import { tradeNoFor } from '../../server/src/modules/payments/payment.view';

let sys: TestSystem;
let finance: { id: string; token: string };
let finance2: { id: string; token: string };
let admin: string;
let pm: string;

async function signIn(role: 'finance' | 'admin' | 'pm') {
  const u = await sys.seed.staff(role);
  return { id: u.id as string, token: await sys.loginStaff(u.username, u.password) };
}

beforeAll(async () => {
  sys = await startTestSystem({
    overrides: { payments: { refundApprovalThreshold: 100_000, settleAfterSeconds: 0 } },
  });
  finance = await signIn('finance');
  finance2 = await signIn('finance');
  admin = (await signIn('admin')).token;
  pm = (await signIn('pm')).token;
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
const refundOf = (id: string) => sys.api.get(`/api/v1/refunds/${id}`, finance.token);

/** A paid invoice: the customer pays through the simulator, the notification settles it. */
async function paid(amount: number) {
  const p = await payerWithInvoice(sys, amount);
  const res = await payFor(sys, p.invoiceId, p.token, `key-${new Types.ObjectId().toHexString()}`);
  await sys.sim.simulatePayment(res.body.payment.outTradeNo);
  await waitFor(
    () => invoiceOf(p.invoiceId),
    (i) => i?.status === 'paid',
  );
  return {
    ...p,
    paymentId: res.body.payment.id as string,
    outTradeNo: res.body.payment.outTradeNo as string,
  };
}
const refund = (paymentId: string, body: object, token: string) =>
  sys.api.post(`/api/v1/payments/${paymentId}/refunds`, body, token);

describe('refunds', () => {
  it('a partial refund under the threshold goes straight to WeChat; its notification reopens the invoice', async () => {
    const p = await paid(90_000);
    const res = await refund(p.paymentId, { amount: 30_000, reason: '部分工程量取消' }, finance.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'processing', needsApproval: false, amount: 30_000 });
    const done = await waitFor(
      () => refundOf(res.body.id),
      (r) => r.body.status === 'succeeded',
    );
    expect(done.body.refundId).toBeTruthy();
    const inv = await waitFor(
      () => invoiceOf(p.invoiceId),
      (i) => i?.refundedAmount === 30_000,
    );
    expect(inv).toMatchObject({ paidAmount: 90_000, refundedAmount: 30_000, status: 'partially_paid' });
    const pay = await waitFor(
      () => sys.api.get(`/api/v1/payments/${p.paymentId}`, p.token),
      (r) => r.body.refundedAmount === 30_000,
    );
    expect(pay.body.refundedAmount).toBe(30_000);
    // the customer can pay the reopened amount again
    const again = await payFor(sys, p.invoiceId, p.token, 'key-after-refund-1');
    expect(again.status).toBe(200);
    expect(again.body.payment.amount).toBe(30_000);
    const audit = await sys.server.container.audit.forResource('refund', res.body.id);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['refund.requested', 'refund.succeeded']),
    );
  });

  it('above the threshold a second finance user must approve; the requester cannot', async () => {
    const p = await paid(300_000);
    const res = await refund(p.paymentId, { amount: 300_000, reason: '合同解除，全额退款' }, finance.token);
    expect(res.body).toMatchObject({ status: 'pending_approval', needsApproval: true });
    const self = await sys.api.post(`/api/v1/refunds/${res.body.id}/approve`, {}, finance.token);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('REFUND_SELF_APPROVAL');
    expect((await refundOf(res.body.id)).body.status).toBe('pending_approval');
    expect((await invoiceOf(p.invoiceId))?.refundedAmount).toBe(0);
    const ok = await sys.api.post(
      `/api/v1/refunds/${res.body.id}/approve`,
      { comment: '同意' },
      finance2.token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.approvals).toEqual([
      expect.objectContaining({ by: finance2.id, decision: 'approved', comment: '同意' }),
    ]);
    await waitFor(
      () => refundOf(res.body.id),
      (r) => r.body.status === 'succeeded',
    );
    const inv = await waitFor(
      () => invoiceOf(p.invoiceId),
      (i) => i?.refundedAmount === 300_000,
    );
    expect(inv).toMatchObject({ refundedAmount: 300_000, status: 'issued' });
    const twice = await sys.api.post(`/api/v1/refunds/${res.body.id}/approve`, {}, admin);
    expect(twice.status).toBe(409);
  });

  it('a rejected refund moves no money', async () => {
    const p = await paid(200_000);
    const res = await refund(p.paymentId, { amount: 150_000, reason: '客户申请' }, finance.token);
    const rej = await sys.api.post(`/api/v1/refunds/${res.body.id}/reject`, { comment: '不符合条件' }, admin);
    expect(rej.status).toBe(200);
    expect(rej.body.status).toBe('closed');
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ status: 'paid', refundedAmount: 0 });
    // the rejected amount is refundable again
    const retry = await refund(p.paymentId, { amount: 200_000, reason: '重新申请' }, finance.token);
    expect(retry.status).toBe(201);
  });

  it('never refunds more than was paid, counting refunds in flight', async () => {
    const p = await paid(50_000);
    const first = await refund(p.paymentId, { amount: 40_000, reason: '退一部分' }, finance.token);
    expect(first.status).toBe(201);
    const over = await refund(p.paymentId, { amount: 10_001, reason: '再退' }, finance.token);
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_PAID', details: { refundable: 10_000 } });
    const racing = await Promise.all(
      [1, 2, 3].map(() => refund(p.paymentId, { amount: 10_000, reason: '并发' }, finance.token)),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('only finance and admins refund; unpaid payments cannot be refunded', async () => {
    const p = await paid(20_000);
    expect((await refund(p.paymentId, { amount: 1_000, reason: 'x' }, pm)).status).toBe(403);
    expect((await refund(p.paymentId, { amount: 1_000, reason: 'x' }, p.token)).status).toBe(403);
    const open = await payerWithInvoice(sys, 5_000);
    const created = await payFor(sys, open.invoiceId, open.token, 'key-unpaid-00001');
    const res = await refund(created.body.payment.id, { amount: 1_000, reason: 'x' }, finance.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
  });

  it('refund notifications get the same rigour: forged refused, replays applied once', async () => {
    const p = await paid(70_000);
    const res = await refund(p.paymentId, { amount: 7_000, reason: '少量退款' }, finance.token);
    const r = (
      await waitFor(
        () => refundOf(res.body.id),
        (x) => x.body.status === 'succeeded',
      )
    ).body;
    const resource = {
      mchid: sys.config.payments.wechatPay!.mchId,
      out_trade_no: p.outTradeNo,
      transaction_id: 'x',
      out_refund_no: r.outRefundNo,
      refund_id: r.refundId,
      refund_status: 'SUCCESS',
      success_time: new Date().toISOString(),
      amount: { total: 70_000, refund: 7_000, payer_total: 70_000, payer_refund: 7_000 },
    };
    const tampered = await postNotify(
      sys,
      notification(sys, resource, { event: 'REFUND.SUCCESS', tamper: true }),
      'refund-notify',
    );
    expect(tampered.status).toBe(400);
    const wrongAmount = await postNotify(
      sys,
      notification(
        sys,
        { ...resource, amount: { ...resource.amount, refund: 70_000 } },
        { event: 'REFUND.SUCCESS' },
      ),
      'refund-notify',
    );
    expect(wrongAmount.status).toBe(400);
    const n = notification(sys, resource, { event: 'REFUND.SUCCESS' });
    const replies = await Promise.all(Array.from({ length: 10 }, () => postNotify(sys, n, 'refund-notify')));
    expect(replies.every((x) => x.status === 204)).toBe(true);
    const entries = await sys.server.container.models.paymentLedger
      .find({ paymentId: new Types.ObjectId(p.paymentId), kind: 'refund' })
      .lean();
    expect(entries.map((e) => e.amount)).toEqual([7_000]);
    // The invoice is recalculated just after the answer (follow-ups yield to pending answers).
    let refunded: number | undefined;
    for (let i = 0; i < 50 && refunded !== 7_000; i += 1) {
      refunded = (await invoiceOf(p.invoiceId))?.refundedAmount;
      if (refunded !== 7_000) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refunded).toBe(7_000);
  });

  it('a refund whose notification was answered but whose follow-up was lost is finished by the settle job', async () => {
    const p = await paid(40_000);
    const { refunds, paymentLedger, payments } = sys.server.container.models;
    const services = sys.server.container.services;
    const payment = (await payments.findById(p.paymentId).lean())!;
    // a refund WeChat has applied (the simulator never heard of it, so only our ledger can tell)
    const _id = new Types.ObjectId();
    await refunds.create({
      _id,
      paymentId: payment._id,
      invoiceId: payment.invoiceId,
      customerId: payment.customerId,
      outRefundNo: tradeNoFor('R', _id),
      amount: 15_000,
      reason: '退还部分材料款',
      status: 'processing',
      requestedBy: new Types.ObjectId(finance.id),
      requestedByName: '财务',
      needsApproval: false,
      approvals: [],
    });
    // what answering its notification does, then the process dies before the follow-up
    const { applied } = await services.refunds.apply({
      outRefundNo: tradeNoFor('R', _id),
      outTradeNo: p.outTradeNo,
      transactionId: payment.transactionId!,
      refundId: '50300000000000000000001',
      total: 40_000,
      mchId: sys.config.payments.wechatPay!.mchId,
      amount: 15_000,
      status: 'SUCCESS',
      successTime: new Date(),
    });
    expect(applied).toBe(true);
    expect((await refundOf(String(_id))).body.status).toBe('processing');
    expect((await invoiceOf(p.invoiceId))?.refundedAmount).toBe(0);

    const run = await services.paymentSettleJob.run();
    expect(run.refunds).toBeGreaterThanOrEqual(1);
    expect((await refundOf(String(_id))).body).toMatchObject({
      status: 'succeeded',
      refundId: '50300000000000000000001',
    });
    expect(await invoiceOf(p.invoiceId)).toMatchObject({ refundedAmount: 15_000, status: 'partially_paid' });
    expect((await payments.findById(p.paymentId).lean())?.refundedAmount).toBe(15_000);
    // run again: nothing is applied twice
    await services.paymentSettleJob.run();
    expect(await paymentLedger.countDocuments({ refundId: _id })).toBe(1);
    expect((await invoiceOf(p.invoiceId))?.refundedAmount).toBe(15_000);
  });
});
