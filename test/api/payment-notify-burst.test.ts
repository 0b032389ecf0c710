import { Types } from 'mongoose';
import { tradeNoFor } from '../../server/src/modules/payments/payment.view';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { notification, postNotify, transactionResource } from '../support/pay';

/**
 * A burst of WeChat Pay notifications: they are applied one at a time, first come first served, and
 * when more are waiting than `payments.notifyMaxWaiting` the rest are answered 503 `FAIL` at once
 * (WeChat delivers them again later) — nothing is applied twice and nothing is lost.
 */
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ overrides: { payments: { notifyMaxWaiting: 2 } } });
});
afterAll(async () => {
  await sys?.close();
});

/** Unpaid orders of one customer, straight through the models (paying is tested elsewhere). */
async function orders(n: number) {
  const { invoices, payments } = sys.server.container.models;
  const customerId = new Types.ObjectId();
  const list = Array.from({ length: n }, (_, i) => {
    const _id = new Types.ObjectId();
    return { _id, invoiceId: new Types.ObjectId(), outTradeNo: tradeNoFor('P', _id), amount: 50_000 + i };
  });
  await invoices.insertMany(
    list.map((o, i) => ({
      _id: o.invoiceId,
      number: `HT-BURST-${String(o._id)}-${i}`,
      contractId: new Types.ObjectId(),
      contractNumber: 'HT-BURST',
      installmentId: new Types.ObjectId(),
      customerId,
      amount: o.amount,
      status: 'issued',
      issuedAt: new Date(),
      dueDate: new Date(Date.now() + 7 * 86_400_000),
      reason: { kind: 'signing', milestoneId: null, milestoneName: null, installmentName: '首付款' },
    })),
  );
  await payments.insertMany(
    list.map((o) => ({
      _id: o._id,
      invoiceId: o.invoiceId,
      customerId,
      portalAccountId: customerId,
      idempotencyKey: `burst-${String(o._id)}`,
      amount: o.amount,
      outTradeNo: o.outTradeNo,
      status: 'created',
      payerOpenid: 'o_burst_payer',
      description: '首付款',
    })),
  );
  return list.map((o) => ({ ...o, openid: 'o_burst_payer' }));
}

const ledgerOf = (ids: Types.ObjectId[]) =>
  sys.server.container.models.paymentLedger.find({ paymentId: { $in: ids } }).lean();

it('answers the overflow of a burst 503 FAIL, applies the rest once, and applies the overflow when redelivered', async () => {
  const list = await orders(20);
  const bodies = list.map((o) => notification(sys, transactionResource(sys, o)));
  const first = await Promise.all(bodies.map((b) => postNotify(sys, b)));
  const busy = first.flatMap((r, i) => (r.status === 503 ? [i] : []));
  expect(first.every((r) => r.status === 204 || r.status === 503)).toBe(true);
  expect(busy.length).toBeGreaterThan(0);
  for (const i of busy) expect(first[i]!.body).toEqual({ code: 'FAIL', message: '系统繁忙，请稍后重试' });
  // answered 204 = in the ledger; answered 503 = untouched
  const applied = await ledgerOf(list.map((o) => o._id));
  expect(applied.map((e) => String(e.paymentId)).sort()).toEqual(
    list
      .filter((_, i) => !busy.includes(i))
      .map((o) => String(o._id))
      .sort(),
  );

  // WeChat delivers the refused ones again later, and an applied one once more: each answered 204
  const appliedOne = first.findIndex((r) => r.status === 204);
  for (const i of [...busy, appliedOne]) expect((await postNotify(sys, bodies[i]!)).status).toBe(204);
  const entries = await ledgerOf(list.map((o) => o._id));
  expect(entries).toHaveLength(20);
  expect(new Set(entries.map((e) => String(e.paymentId))).size).toBe(20);
});
