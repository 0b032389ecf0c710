import { Types } from 'mongoose';
import { APPROVAL_CONFIG } from '../support/contract-cast';
import { runJob } from '../support/feedback-cast';
import {
  day,
  must,
  portalCustomer,
  project,
  signedContract,
  staffMember,
  type Signed,
} from '../support/insights-cast';
import { paymentLedgerKey } from '../../server/src/modules/payments/payment-ledger';
import { payFor } from '../support/pay';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * 乙 has signed five contracts of about ¥10,000 (¥9,000–¥12,000), then one of ¥200,000; 甲's
 * project (contract ¥10,000) gets a change quoted at ¥4,000 (40% of it); 乙 pays an invoice and
 * finance refunds part of it at once.
 */
describe('anomaly flags', () => {
  let sys: TestSystem;
  let admin: Signed;
  let finance: Signed;
  let lina: Signed;
  let wang: Signed;
  let bigInvoiceId: string;
  let yiToken: string;
  let yiInvoices: Array<{ id: string; amount: number }>;
  const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
  const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);

  beforeAll(async () => {
    sys = await startTestSystem({
      overrides: {
        ...APPROVAL_CONFIG,
        payments: { refundApprovalThreshold: 10_000_000, settleAfterSeconds: 0 },
      },
    });
    admin = await staffMember(sys, 'admin', '周敏');
    finance = await staffMember(sys, 'finance', '财务王芳');
    const pm = await staffMember(sys, 'pm', '张伟');
    lina = await staffMember(sys, 'sales', '李娜');
    wang = await staffMember(sys, 'sales', '王强');
    const jia = await portalCustomer(sys, lina.id, '甲公司');
    const yi = await portalCustomer(sys, lina.id, '乙公司');
    const who = { owner: lina.token, finance: finance.token };

    const p = await project(sys, admin.token, {
      customerId: jia.id,
      type: 'residential',
      plannedEnd: day(100),
      pmId: pm.id,
    });
    await signedContract(sys, who, {
      customerId: jia.id,
      projectId: p,
      amount: 1_000_000,
      signedDate: day(-1),
      dueDays: 15,
    });
    for (const amount of [1_000_000, 1_100_000, 900_000, 1_200_000, 1_000_000])
      await signedContract(sys, who, { customerId: yi.id, amount, signedDate: day(-1), dueDays: 15 });
    await signedContract(sys, who, {
      customerId: yi.id,
      amount: 20_000_000,
      signedDate: day(0),
      dueDays: 15,
    });
    const invoices = must<any>(
      await get(`/invoices?customerId=${yi.id}&limit=100`, finance.token),
      200,
      'invoices',
    );
    bigInvoiceId = invoices.items.find((i: any) => i.amount === 20_000_000).id;
    yiToken = yi.token;
    yiInvoices = invoices.items;

    const cr = must<any>(
      await post(
        `/projects/${p}/change-requests`,
        { title: '加建阳光房', description: '屋顶加建阳光房' },
        jia.token,
      ),
      201,
      'change request',
    );
    must(await post(`/change-requests/${cr.id}/acknowledge`, {}, pm.token), 200, 'ack');
    const quote = { costDelta: 400_000, scheduleDeltaDays: 10, note: '钢结构', validUntil: '2030-01-31' };
    must(await post(`/change-requests/${cr.id}/quote`, quote, pm.token), 200, 'quote');

    const small = invoices.items.find((i: any) => i.amount === 900_000);
    const pay = must<any>(
      await payFor(sys, small.id, yi.token, `k-${new Types.ObjectId().toHexString()}`),
      200,
      'pay',
    );
    await sys.sim.simulatePayment(pay.payment.outTradeNo);
    for (let i = 0; i < 100; i += 1) {
      const inv = await get(`/invoices/${small.id}`, finance.token);
      if (inv.body.status === 'paid') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    must(
      await post(`/payments/${pay.payment.id}/refunds`, { amount: 300_000, reason: '多付' }, finance.token),
      201,
      'refund',
    );
  }, 120_000);

  afterAll(() => sys?.close());

  it('flags the ¥200,000 invoice against the firm and the customer, to finance, with the reason', async () => {
    const page = must<any>(await get('/insights/anomalies?subject=invoice', finance.token), 200, 'anomalies');
    const flags = page.items.filter((f: any) => f.subjectId === bigInvoiceId);
    expect(flags.map((f: any) => f.rule).sort()).toEqual(['amount_vs_customer', 'amount_vs_firm']);
    expect(page.items).toHaveLength(2);
    const vsCustomer = flags.find((f: any) => f.rule === 'amount_vs_customer');
    // Earlier invoices of 乙: 10,000 / 11,000 / 9,000 / 12,000 / 10,000 → median ¥10,000; 200,000 / 10,000 = 20×.
    expect(vsCustomer).toMatchObject({
      assignee: 'finance',
      amount: 20_000_000,
      customerName: '乙公司',
      status: 'open',
    });
    expect(vsCustomer.reason).toContain('¥200000.00');
    expect(vsCustomer.baseline).toMatchObject({ median: 1_000_000, score: 20 });
    expect(flags.find((f: any) => f.rule === 'amount_vs_firm').baseline.score).toBeGreaterThan(3.5);
    await sys.server.container.outboxWorker.drain();
    const inbox = must<any>(await get('/notifications?limit=50', finance.token), 200, 'inbox');
    expect(inbox.items.filter((n: any) => n.title === '异常提醒：付款通知')).toHaveLength(2);
  });

  it('flags a change costing 40% of the contract to the customer’s owner, and a refund right after payment to finance', async () => {
    const mine = must<any>(await get('/insights/anomalies', lina.token), 200, 'anomalies');
    expect(mine.items).toEqual([
      expect.objectContaining({
        subject: 'change_request',
        rule: 'change_cost_vs_contract',
        assignee: `owner:${lina.id}`,
      }),
    ]);
    expect(mine.items[0].reason).toContain('40%');
    const refunds = must<any>(
      await get('/insights/anomalies?subject=refund', finance.token),
      200,
      'anomalies',
    );
    expect(refunds.items).toEqual([
      expect.objectContaining({ rule: 'refund_soon_after_payment', amount: 300_000 }),
    ]);
    expect((await get('/insights/anomalies', wang.token)).body.items).toEqual([]);
  });

  it('is resolved once with a note by whom it was assigned to; the daily scan flags nothing twice', async () => {
    const [flag] = must<any>(await get('/insights/anomalies', lina.token), 200, 'anomalies').items;
    expect(
      (await post(`/insights/anomalies/${flag.id}/resolve`, { note: '客户确认' }, wang.token)).status,
    ).toBe(404);
    const done = must<any>(
      await post(`/insights/anomalies/${flag.id}/resolve`, { note: '客户确认加建' }, lina.token),
      200,
      'resolve',
    );
    expect(done).toMatchObject({
      status: 'resolved',
      resolution: '客户确认加建',
      resolvedBy: { id: lina.id },
    });
    expect((await post(`/insights/anomalies/${flag.id}/resolve`, { note: '再次' }, lina.token)).status).toBe(
      409,
    );

    const before = must<any>(await get('/insights/anomalies?limit=100', finance.token), 200, 'all').items
      .length;
    expect((await runJob(sys, admin.token, 'insights.anomaly-scan')).outcome).toBe('succeeded');
    const after = must<any>(await get('/insights/anomalies?limit=100', finance.token), 200, 'all').items
      .length;
    expect(after).toBe(before);
  });

  it('flags a refund right after a payment a crash left `created` once its ledger entry was written', async () => {
    const invoice = yiInvoices.find((i) => i.amount === 1_100_000)!;
    const pay = must<any>(
      await payFor(sys, invoice.id, yiToken, `k-${new Types.ObjectId().toHexString()}`),
      200,
      'pay',
    );
    // The notification wrote the ledger entry; the crash came before the payment was marked paid.
    await sys.server.container.models.paymentLedger.create({
      key: paymentLedgerKey(pay.payment.outTradeNo),
      kind: 'payment',
      invoiceId: new Types.ObjectId(invoice.id),
      paymentId: new Types.ObjectId(pay.payment.id),
      amount: 1_100_000,
      wechatId: `4200${new Types.ObjectId().toHexString()}`,
      at: new Date(),
    });
    must(
      await post(`/payments/${pay.payment.id}/refunds`, { amount: 200_000, reason: '多付' }, finance.token),
      201,
      'refund',
    );
    expect((await runJob(sys, admin.token, 'insights.anomaly-scan')).outcome).toBe('succeeded');
    const refunds = must<any>(
      await get('/insights/anomalies?subject=refund&limit=100', finance.token),
      200,
      'anomalies',
    );
    expect(refunds.items).toContainEqual(
      expect.objectContaining({ rule: 'refund_soon_after_payment', amount: 200_000 }),
    );
  });
});
