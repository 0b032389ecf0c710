import { createServer } from 'node:http';
import { Types } from 'mongoose';
import { createWechatPay } from '../../server/src/integrations/wechat/pay';
import { generateMerchantIdentity } from '../../scripts/wechat-sim';
import type { TestSystem } from '../support/system';
import { startTestSystem } from '../support/system';
import { notification, payerWithInvoice, payFor, postNotify, transactionResource } from '../support/pay';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ overrides: { payments: { settleAfterSeconds: 0 } } });
});
afterAll(async () => {
  await sys?.close();
});

const models = () => sys.server.container.models;
const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** An unpaid order of ours (prepay done at the simulator). */
async function openOrder(amount = 150_000) {
  const p = await payerWithInvoice(sys, amount);
  const res = await payFor(sys, p.invoiceId, p.token, `key-${new Types.ObjectId().toHexString()}`);
  expect(res.status).toBe(200);
  return {
    ...p,
    paymentId: res.body.payment.id as string,
    outTradeNo: res.body.payment.outTradeNo as string,
    amount,
  };
}

async function stateOf(o: { paymentId: string; invoiceId: string }) {
  const payment = await models().payments.findById(o.paymentId).lean();
  const invoice = await models().invoices.findById(o.invoiceId).lean();
  const ledger = await models().paymentLedger.countDocuments({ paymentId: new Types.ObjectId(o.paymentId) });
  return { status: payment!.status, invoice: invoice!.status, paid: invoice!.paidAmount, ledger };
}
const untouched = { status: 'created', invoice: 'issued', paid: 0, ledger: 0 };

describe('WeChat Pay notifications: refused without a state change', () => {
  const cases: Array<
    [
      string,
      (o: Awaited<ReturnType<typeof openOrder>>) => { body: string; headers: Record<string, string> },
      number,
      string,
    ]
  > = [
    [
      'a forged signature (another key)',
      (o) =>
        notification(sys, transactionResource(sys, o), {
          signingKeyPem: generateMerchantIdentity().privateKeyPem,
        }),
      401,
      '签名错误',
    ],
    [
      'a tampered ciphertext',
      (o) => notification(sys, transactionResource(sys, o), { tamper: true }),
      400,
      '解密失败',
    ],
    [
      'a wrong APIv3 key',
      (o) => notification(sys, transactionResource(sys, o), { apiV3Key: 'x'.repeat(32) }),
      400,
      '解密失败',
    ],
    [
      'a stale timestamp (6 minutes old)',
      (o) => notification(sys, transactionResource(sys, o), { skewSeconds: -360 }),
      401,
      '时间戳过期',
    ],
    [
      'a WECHATPAY/SIGNTEST/ probe',
      (o) => notification(sys, transactionResource(sys, o), { signature: 'WECHATPAY/SIGNTEST/abc' }),
      401,
      '探测签名',
    ],
    [
      'an unknown serial',
      (o) => notification(sys, transactionResource(sys, o), { serial: 'PUB_KEY_ID_0000UNKNOWN' }),
      401,
      '签名错误',
    ],
    [
      'an unknown out_trade_no',
      (o) => notification(sys, transactionResource(sys, { ...o, outTradeNo: 'P20990101ffffffffffffffff' })),
      404,
      '订单不存在',
    ],
    [
      'an amount that is not our order',
      (o) => notification(sys, transactionResource(sys, { ...o, amount: o.amount - 1 })),
      400,
      'amount',
    ],
    [
      'another merchant id',
      (o) => notification(sys, transactionResource(sys, o, { mchid: '1900000999' })),
      400,
      'mchid',
    ],
    [
      'another appid',
      (o) => notification(sys, transactionResource(sys, o, { appid: 'wxother0000000001' })),
      400,
      'appid',
    ],
  ];
  it.each(cases)('%s', async (_name, build, status, message) => {
    const o = await openOrder();
    const res = await postNotify(sys, build(o));
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code: 'FAIL' });
    expect(res.body.message).toContain(message);
    expect(await stateOf(o)).toEqual(untouched);
  });

  it('refuses a body re-serialised after signing (signature over the raw bytes)', async () => {
    const o = await openOrder();
    const n = notification(sys, transactionResource(sys, o));
    const res = await postNotify(sys, { ...n, body: JSON.stringify(JSON.parse(n.body), null, 2) });
    expect(res.status).toBe(401);
    expect(await stateOf(o)).toEqual(untouched);
  });
});

describe('WeChat Pay notifications: applied exactly once', () => {
  it('applies a signed notification (platform certificate mode) and answers 204 to 10 replays of it', async () => {
    const o = await openOrder(88_800);
    const n = notification(sys, transactionResource(sys, o));
    for (let i = 0; i < 10; i += 1) expect((await postNotify(sys, n)).status).toBe(204);
    const s = await waitFor(
      () => stateOf(o),
      (v) => v.invoice === 'paid',
    );
    expect(s).toEqual({ status: 'paid', invoice: 'paid', paid: 88_800, ledger: 1 });
    const audits = await sys.server.container.audit.forResource('payment', o.paymentId);
    expect(audits.filter((a: { action: string }) => a.action === 'payment.succeeded')).toHaveLength(1);
  });

  it('applies 50 concurrent duplicates once', async () => {
    const o = await openOrder(66_600);
    const n = notification(sys, transactionResource(sys, o));
    const results = await Promise.all(Array.from({ length: 50 }, () => postNotify(sys, n)));
    // applied one at a time, in line: every duplicate gets the same answer
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 204));
    const s = await waitFor(
      () => stateOf(o),
      (v) => v.invoice === 'paid',
    );
    expect(s).toEqual({ status: 'paid', invoice: 'paid', paid: 66_600, ledger: 1 });
    const notices = await sys.server.container.models.paymentLedger
      .find({ paymentId: new Types.ObjectId(o.paymentId) })
      .lean();
    expect(notices.map((e) => e.amount)).toEqual([66_600]);
  });

  it('accepts the WeChat Pay public-key mode (Wechatpay-Serial: PUB_KEY_ID_…)', async () => {
    const o = await openOrder(12_300);
    const res = await postNotify(
      sys,
      notification(sys, transactionResource(sys, o), { serial: sys.sim.platform.publicKeyId }),
    );
    expect(res.status).toBe(204);
    expect(
      await waitFor(
        () => stateOf(o),
        (v) => v.invoice === 'paid',
      ),
    ).toMatchObject({ status: 'paid', ledger: 1 });
  });

  it('settles through the simulator paying and notifying (the real round trip)', async () => {
    const o = await openOrder(45_600);
    expect(await sys.sim.simulatePayment(o.outTradeNo)).toMatchObject({ delivered: true, status: 204 });
    expect(await sys.sim.simulatePayment(o.outTradeNo)).toMatchObject({ delivered: true, status: 204 }); // WeChat's duplicate
    expect(
      await waitFor(
        () => stateOf(o),
        (v) => v.invoice === 'paid',
      ),
    ).toEqual({ status: 'paid', invoice: 'paid', paid: 45_600, ledger: 1 });
  });
});

describe('payments.settle-unpaid', () => {
  it('settles an order whose notification never came, by querying WeChat', async () => {
    const o = await openOrder(30_000);
    await sys.sim.simulatePayment(o.outTradeNo, { notify: false });
    expect(await stateOf(o)).toEqual(untouched);
    const run = await sys.server.container.services.paymentSettleJob.run();
    expect(run.settled).toBe(1);
    expect(await stateOf(o)).toEqual({ status: 'paid', invoice: 'paid', paid: 30_000, ledger: 1 });
    // a late notification afterwards changes nothing and is answered as processed
    const late = await postNotify(sys, notification(sys, transactionResource(sys, o)));
    expect(late.status).toBe(204);
    expect((await stateOf(o)).ledger).toBe(1);
  });

  it('finishes the follow-up when the process died after answering', async () => {
    const o = await openOrder(20_000);
    // what a crash right after the ledger entry leaves behind: money recorded, invoice not yet recalculated
    await sys.server.container.services.paymentSettlement.settle({
      appId: sys.config.wechat.appId,
      mchId: sys.config.payments.wechatPay!.mchId,
      outTradeNo: o.outTradeNo,
      transactionId: '4200000000000000000001',
      state: 'SUCCESS',
      amount: 20_000,
      payerOpenid: o.openid,
      successTime: new Date(),
    });
    // the money is in the ledger; the payment's own status is part of the follow-up that was lost
    expect(await stateOf(o)).toMatchObject({ status: 'created', invoice: 'issued', ledger: 1 });
    // the job finishes it from the ledger without asking WeChat (which, in this test, never heard
    // of the payment) and applies nothing twice
    const run = await sys.server.container.services.paymentSettleJob.run();
    expect(run.finished).toBeGreaterThanOrEqual(1);
    expect(await stateOf(o)).toEqual({ status: 'paid', invoice: 'paid', paid: 20_000, ledger: 1 });
  });

  it('closes an expired unpaid order at WeChat and locally', async () => {
    const o = await openOrder(10_000);
    const later = new Date(Date.now() + 31 * 60_000);
    const run = await sys.server.container.services.paymentSettleJob.run(later);
    expect(run.closed).toBeGreaterThanOrEqual(1);
    expect((await stateOf(o)).status).toBe('closed');
    const res = await sys.api.get(`/api/v1/payments/${o.paymentId}`, o.token);
    expect(res.body.status).toBe('closed');
  });
});

describe('answers from the WeChat Pay API', () => {
  it('are not trusted without a valid WeChat signature (a forged "SUCCESS" from a man in the middle)', async () => {
    const wp = sys.config.payments.wechatPay!;
    const forged = createServer((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'wechatpay-serial': sys.sim.platform.serialNo,
      });
      res.end(JSON.stringify({ out_trade_no: 'P1', trade_state: 'SUCCESS', amount: { total: 1 } }));
    });
    await new Promise<void>((r) => forged.listen(0, '127.0.0.1', () => r()));
    const port = (forged.address() as { port: number }).port;
    try {
      const pay = createWechatPay({
        ...wp,
        appId: sys.config.wechat.appId,
        timeoutMs: 2000,
        notifyUrl: `${sys.baseUrl}/api/v1/payments/wechat/notify`,
        baseUrl: `http://127.0.0.1:${port}`,
      });
      await expect(pay.queryOrder('P1')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      // the same adapter against the simulator, which signs its answers, is believed
      const real = createWechatPay({
        ...wp,
        appId: sys.config.wechat.appId,
        timeoutMs: 2000,
        notifyUrl: 'http://127.0.0.1/n',
      });
      expect(await real.queryOrder('P20990101ffffffffffffffff')).toBeNull();
    } finally {
      forged.close();
    }
  });
});
