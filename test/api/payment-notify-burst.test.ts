import { Types } from 'mongoose';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { notification, postNotify, seedOpenOrders, transactionResource } from '../support/pay';

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

const ledgerOf = (ids: Types.ObjectId[]) =>
  sys.server.container.models.paymentLedger.find({ paymentId: { $in: ids } }).lean();

it('answers the overflow of a burst 503 FAIL, applies the rest once, and applies the overflow when redelivered', async () => {
  const list = await seedOpenOrders(sys, 20, 50_000);
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
