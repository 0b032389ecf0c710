import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { WechatSim } from '../../scripts/wechat-sim';
import { startWithOwnPaySim } from '../support/pay';
import type { TestSystem } from '../support/system';

/**
 * Daily reconciliation against a trade bill served by the WeChat simulator over the real v3 API
 * (signed tradebill call, unsigned download checked by SHA1). The bill's lines are injected through
 * the simulator's control API; our side is seeded as payment and refund records.
 */
let sys: TestSystem;
let paySim: WechatSim;
let finance: string;
let sales: string;

const DAY = '2026-11-20';
const at = (time: string) => `${DAY}T${time}+08:00`;
const no = (p: string) => `${p}${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  ({ sys, paySim, finance } = await startWithOwnPaySim('1900012345'));
  const s = await sys.seed.staff('sales');
  sales = await sys.loginStaff(s.username, s.password);
});

afterAll(async () => {
  await sys?.close();
  await paySim?.close();
});

async function editBill(edits: Record<string, unknown>) {
  const res = await fetch(`${paySim.url}/__sim/pay-bill-edits`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(edits),
  });
  expect(res.status).toBe(200);
}

async function seedPayment(fields: {
  outTradeNo: string;
  amount: number;
  status: 'created' | 'paid';
  paidAt: string | null;
}) {
  const doc = await sys.server.container.models.payments.create({
    invoiceId: new Types.ObjectId(),
    customerId: new Types.ObjectId(),
    portalAccountId: new Types.ObjectId(),
    idempotencyKey: no('key'),
    amount: fields.amount,
    outTradeNo: fields.outTradeNo,
    status: fields.status,
    payerOpenid: 'o_payer',
    description: '测试付款',
    transactionId: fields.status === 'paid' ? no('4200') : undefined,
    paidAt: fields.paidAt ? new Date(fields.paidAt) : null,
  });
  return doc;
}

async function seedRefund(
  payment: { _id: Types.ObjectId; invoiceId: Types.ObjectId },
  outRefundNo: string,
  amount: number,
) {
  return sys.server.container.models.refunds.create({
    paymentId: payment._id,
    invoiceId: payment.invoiceId,
    customerId: new Types.ObjectId(),
    outRefundNo,
    amount,
    reason: '测试退款',
    status: 'succeeded',
    requestedBy: new Types.ObjectId(),
    requestedByName: '财务',
    needsApproval: false,
    approvals: [],
    refundId: no('5030'),
    succeededAt: new Date(at('15:00:00')),
  });
}

const run = (date: string, token = finance) => sys.api.post('/api/v1/reconciliations/run', { date }, token);

describe('reconciliation', () => {
  const nos = {
    matched: no('M'),
    refunded: no('R'),
    refundNo: no('RF'),
    missingOurs: no('X'),
    missingBill: no('B'),
    amount: no('A'),
    status: no('S'),
  };

  beforeAll(async () => {
    const refunded = await seedPayment({
      outTradeNo: nos.refunded,
      amount: 50_000,
      status: 'paid',
      paidAt: at('09:00:00'),
    });
    await seedRefund(refunded, nos.refundNo, 12_345);
    await seedPayment({ outTradeNo: nos.matched, amount: 123_450, status: 'paid', paidAt: at('10:00:00') });
    await seedPayment({ outTradeNo: nos.missingBill, amount: 800, status: 'paid', paidAt: at('23:59:59') });
    await seedPayment({ outTradeNo: nos.amount, amount: 10_000, status: 'paid', paidAt: at('11:00:00') });
    // Created that day, never settled on our side (the notification and the query job both missed it).
    const unpaid = await seedPayment({
      outTradeNo: nos.status,
      amount: 2_900,
      status: 'created',
      paidAt: null,
    });
    await sys.server.container.models.payments.collection.updateOne(
      { _id: unpaid._id },
      { $set: { createdAt: new Date(at('12:58:00')) } },
    );
    // Paid the next day (Shanghai): not part of this day's bill, so not missing from it either.
    await seedPayment({
      outTradeNo: no('N'),
      amount: 100,
      status: 'paid',
      paidAt: `2026-11-21T00:00:01+08:00`,
    });
    await editBill({
      extraOrders: [
        { out_trade_no: nos.matched, total: 123_450, paidAt: at('10:00:05') },
        { out_trade_no: nos.refunded, total: 50_000, paidAt: at('09:00:03') },
        { out_trade_no: nos.missingOurs, total: 1, paidAt: at('12:00:00') },
        { out_trade_no: nos.amount, total: 10_001, paidAt: at('11:00:02') },
        { out_trade_no: nos.status, total: 2_900, paidAt: at('13:00:00') },
      ],
      extraRefunds: [
        {
          out_trade_no: nos.refunded,
          out_refund_no: nos.refundNo,
          refund: 12_345,
          succeededAt: at('15:00:01'),
        },
      ],
    });
  });

  it('matches the bill line by line and reports each kind of discrepancy', async () => {
    const res = await run(DAY);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      date: DAY,
      status: 'completed',
      emptyBill: false,
      counts: {
        billLines: 6,
        matched: 3,
        missing_ours: 1,
        missing_bill: 1,
        amount_mismatch: 1,
        status_mismatch: 1,
      },
      billPaid: 123_450 + 50_000 + 1 + 10_001 + 2_900,
      billRefunded: 12_345,
      unresolved: 4,
      runs: 1,
    });
    expect(res.body.hashValue).toMatch(/^[0-9a-f]{40}$/);
    const detail = await sys.api.get(`/api/v1/reconciliations/${res.body.id}?limit=10`, finance);
    const byNo = Object.fromEntries(detail.body.discrepancies.map((d: any) => [d.outTradeNo, d]));
    expect(byNo[nos.missingOurs]).toMatchObject({ kind: 'missing_ours', billAmount: 1, ourAmount: null });
    expect(byNo[nos.missingBill]).toMatchObject({ kind: 'missing_bill', billAmount: null, ourAmount: 800 });
    expect(byNo[nos.amount]).toMatchObject({
      kind: 'amount_mismatch',
      billAmount: 10_001,
      ourAmount: 10_000,
    });
    expect(byNo[nos.status]).toMatchObject({
      kind: 'status_mismatch',
      billStatus: 'SUCCESS',
      ourStatus: 'created',
    });
    expect(Object.keys(byNo)).toHaveLength(4);
  });

  it('pages discrepancies and filters them by kind', async () => {
    const list = await sys.api.get('/api/v1/reconciliations', finance);
    const id = list.body.items.find((r: any) => r.date === DAY).id;
    const page1 = await sys.api.get(`/api/v1/reconciliations/${id}?limit=3`, finance);
    expect(page1.body.discrepancies).toHaveLength(3);
    const page2 = await sys.api.get(
      `/api/v1/reconciliations/${id}?limit=3&cursor=${page1.body.nextCursor}`,
      finance,
    );
    expect(page2.body.discrepancies).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const amounts = await sys.api.get(`/api/v1/reconciliations/${id}?kind=amount_mismatch`, finance);
    expect(amounts.body.discrepancies.map((d: any) => d.outTradeNo)).toEqual([nos.amount]);
  });

  it('finance resolves a discrepancy once with a note, audited; a re-run keeps the note and the report', async () => {
    const first = (await sys.api.get('/api/v1/reconciliations', finance)).body.items.find(
      (r: any) => r.date === DAY,
    );
    const detail = await sys.api.get(`/api/v1/reconciliations/${first.id}?kind=missing_ours`, finance);
    const d = detail.body.discrepancies[0];
    const path = `/api/v1/reconciliations/${first.id}/discrepancies/${d.id}/resolve`;
    const ok = await sys.api.post(path, { note: '微信侧测试单，已退回' }, finance);
    expect(ok.status).toBe(200);
    expect(ok.body.resolved).toMatchObject({ note: '微信侧测试单，已退回' });
    expect((await sys.api.post(path, { note: '再次' }, finance)).status).toBe(409);
    expect((await sys.api.post(path, { note: '' }, finance)).status).toBe(400);
    const audit = await sys.server.container.conn
      .collection('audit_log')
      .find({ action: 'reconciliation.discrepancy_resolved', resourceId: d.id })
      .toArray();
    expect(audit).toHaveLength(1);

    // The amount difference was a typo on our side, fixed; re-running updates the same report.
    await sys.server.container.models.payments.updateOne(
      { outTradeNo: nos.amount },
      { $set: { amount: 10_001 } },
    );
    const again = await run(DAY);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, runs: 2, unresolved: 2 });
    expect(again.body.counts).toMatchObject({ matched: 4, amount_mismatch: 0, missing_ours: 1 });
    const after = await sys.api.get(`/api/v1/reconciliations/${first.id}`, finance);
    expect(after.body.discrepancies).toHaveLength(3);
    expect(after.body.discrepancies.find((x: any) => x.id === d.id).resolved.note).toBe(
      '微信侧测试单，已退回',
    );
    const reports = await sys.server.container.models.reconciliations.countDocuments({ date: DAY });
    expect(reports).toBe(1);
  });

  it('refuses a bill whose SHA1 does not match hash_value, and records the failure', async () => {
    const date = '2026-11-19';
    await seedPayment({ outTradeNo: no('H'), amount: 500, status: 'paid', paidAt: `${date}T12:00:00+08:00` });
    await editBill({
      extraOrders: [{ out_trade_no: no('H'), total: 500, paidAt: `${date}T12:00:00+08:00` }],
      corruptHash: true,
    });
    const res = await run(date);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('RECONCILIATION_BILL_HASH_MISMATCH');
    const report = (await sys.api.get('/api/v1/reconciliations', finance)).body.items.find(
      (r: any) => r.date === date,
    );
    expect(report).toMatchObject({ status: 'failed', unresolved: 0 });
    expect(report.error).toContain('SHA1');
    await editBill({});
  });

  it('a day without a bill still reports what we recorded as paid', async () => {
    const date = '2026-11-18';
    await seedPayment({ outTradeNo: no('E'), amount: 700, status: 'paid', paidAt: `${date}T08:00:00+08:00` });
    const res = await run(date);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ emptyBill: true, counts: { billLines: 0, missing_bill: 1 } });
  });

  it('money the ledger holds is settled even where a crash left the payment created and the refund processing', async () => {
    const date = '2026-11-16';
    const when = (t: string) => new Date(`${date}T${t}+08:00`);
    const orderNo = no('L');
    const refundNo = no('LR');
    // the notification's ledger entries are written; the payment's and refund's own status are not
    const payment = await seedPayment({
      outTradeNo: orderNo,
      amount: 10_889,
      status: 'created',
      paidAt: null,
    });
    await sys.server.container.models.payments.collection.updateOne(
      { _id: payment._id },
      { $set: { createdAt: when('09:55:00') } },
    );
    const refund = await seedRefund(payment, refundNo, 889);
    await sys.server.container.models.refunds.updateOne(
      { _id: refund._id },
      { $set: { status: 'processing', succeededAt: null } },
    );
    const { paymentLedger } = sys.server.container.models;
    await paymentLedger.create([
      {
        key: `payment:${orderNo}`,
        kind: 'payment',
        invoiceId: payment.invoiceId,
        paymentId: payment._id,
        amount: 10_889,
        wechatId: no('4200'),
        at: when('10:00:00'),
      },
      {
        key: `refund:${refundNo}`,
        kind: 'refund',
        invoiceId: payment.invoiceId,
        paymentId: payment._id,
        refundId: refund._id,
        amount: 889,
        wechatId: no('5030'),
        at: when('15:00:00'),
      },
    ]);
    await editBill({
      extraOrders: [{ out_trade_no: orderNo, total: 10_889, paidAt: `${date}T10:00:01+08:00` }],
      extraRefunds: [
        {
          out_trade_no: orderNo,
          out_refund_no: refundNo,
          refund: 889,
          succeededAt: `${date}T15:00:01+08:00`,
        },
      ],
    });
    const res = await run(date);
    await editBill({});
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ billLines: 2, matched: 2, status_mismatch: 0, missing_bill: 0 });
  });

  it("refuses today's bill (not published yet) and anyone but finance or admin", async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await run(today)).body.error.code).toBe('RECONCILIATION_BILL_NOT_READY');
    expect((await run(DAY, sales)).status).toBe(403);
    expect((await sys.api.get('/api/v1/reconciliations', sales)).status).toBe(403);
    // Month 13 does not exist: refused as input, not taken for a bill still to come.
    expect((await run('2026-13-01')).status).toBe(400);
  });
});
