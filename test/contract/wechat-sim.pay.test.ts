import { createHash, createVerify, randomBytes } from 'node:crypto';
import WxPay from 'wechatpay-node-v3';
import { generateMerchantIdentity, startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import { resetSdkCertificateCache, RewritingPayRequest, sleep } from './wechat-sim.support';

const APP_ID = 'wx0123456789abcdef';
const MCH_ID = '1900000109';
const API_V3_KEY = 'a'.repeat(8) + randomBytes(12).toString('hex'); // 32 chars

describe('wechat-sim WeChat Pay v3 through the real wechatpay-node-v3 SDK', () => {
  const merchant = generateMerchantIdentity();
  let sim: WechatSim;
  let pay: WxPay;

  const sdk = (identity = merchant) => {
    const client = new WxPay({
      appid: APP_ID,
      mchid: MCH_ID,
      publicKey: Buffer.from(identity.certPem),
      privateKey: Buffer.from(identity.privateKeyPem),
      key: API_V3_KEY,
    });
    client.createHttp(new RewritingPayRequest(sim.url));
    return client;
  };
  let seq = 0;
  const outTradeNo = () => `GT${Date.now()}${++seq}`;
  const prepay = (no: string, total = 12345, openid = 'o_payer') =>
    pay.transactions_jsapi({
      description: '设计费 第一期',
      out_trade_no: no,
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total },
      payer: { openid },
    });

  beforeAll(async () => {
    sim = await startWechatSim({
      appId: APP_ID,
      appSecret: 's',
      pay: { mchId: MCH_ID, apiV3Key: API_V3_KEY, merchantCertPem: merchant.certPem },
      notifyRetryDelaysMs: [],
      refundSettleMs: 50,
    });
    pay = sdk();
  });
  beforeEach(() => resetSdkCertificateCache());
  afterAll(() => sim.close());

  test('JSAPI prepay returns wx.requestPayment parameters signed by the merchant key', async () => {
    const res = await prepay(outTradeNo());
    expect(res.status).toBe(200);
    const params = res.data as Record<string, string>;
    expect(params).toEqual({
      appId: APP_ID,
      timeStamp: expect.stringMatching(/^\d+$/),
      nonceStr: expect.any(String),
      package: expect.stringMatching(/^prepay_id=wx\w+$/),
      signType: 'RSA',
      paySign: expect.any(String),
    });
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(
      createVerify('RSA-SHA256').update(message).verify(merchant.certPem, params.paySign!, 'base64'),
    ).toBe(true);
  });

  test('responses are signed by the platform key and the SDK verifies them', async () => {
    const no = outTradeNo();
    await prepay(no);
    const raw = await fetch(`${sim.url}/v3/pay/transactions/out-trade-no/${no}?mchid=${MCH_ID}`, {
      headers: {
        Authorization: (pay as any).buildAuthorization(
          'GET',
          `https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/${no}?mchid=${MCH_ID}`,
        ),
      },
    });
    const body = await raw.text();
    expect(raw.status).toBe(200);
    expect(raw.headers.get('wechatpay-serial')).toBe(sim.platform.serialNo);
    const verified = await pay.verifySign({
      timestamp: raw.headers.get('wechatpay-timestamp')!,
      nonce: raw.headers.get('wechatpay-nonce')!,
      body,
      serial: raw.headers.get('wechatpay-serial')!,
      signature: raw.headers.get('wechatpay-signature')!,
      apiSecret: API_V3_KEY,
    });
    expect(verified).toBe(true);
    expect(
      await pay.verifySign({
        timestamp: raw.headers.get('wechatpay-timestamp')!,
        nonce: raw.headers.get('wechatpay-nonce')!,
        body: body.replace('NOTPAY', 'SUCCESS'),
        serial: sim.platform.serialNo,
        signature: raw.headers.get('wechatpay-signature')!,
        apiSecret: API_V3_KEY,
      }),
    ).toBe(false);
  });

  test('a request signed by another key gets 401 SIGN_ERROR, and so does a missing Authorization', async () => {
    const impostor = generateMerchantIdentity();
    // the impostor claims our merchant serial but signs with its own key
    const forged = new WxPay({
      appid: APP_ID,
      mchid: MCH_ID,
      publicKey: Buffer.from(merchant.certPem),
      privateKey: Buffer.from(impostor.privateKeyPem),
      key: API_V3_KEY,
    });
    forged.createHttp(new RewritingPayRequest(sim.url));
    const res = await forged.transactions_jsapi({
      description: 'x',
      out_trade_no: outTradeNo(),
      notify_url: 'http://127.0.0.1:9/n',
      amount: { total: 1 },
      payer: { openid: 'o' },
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.error)).toEqual({ code: 'SIGN_ERROR', message: expect.any(String) });
    const bare = await fetch(`${sim.url}/v3/certificates`);
    expect(bare.status).toBe(401);
    expect((await bare.json()).code).toBe('SIGN_ERROR');
  });

  test('a tampered body fails verification', async () => {
    const no = outTradeNo();
    const body = {
      appid: APP_ID,
      mchid: MCH_ID,
      description: 'x',
      out_trade_no: no,
      notify_url: 'http://127.0.0.1:9/n',
      amount: { total: 100 },
      payer: { openid: 'o' },
    };
    const authorization = (pay as any).buildAuthorization(
      'POST',
      'https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi',
      body,
    );
    const res = await fetch(`${sim.url}/v3/pay/transactions/jsapi`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, amount: { total: 1 } }),
    });
    expect(res.status).toBe(401);
  });

  test('/v3/certificates decrypts with the SDK to the platform certificate public key', async () => {
    const certs = await pay.get_certificates(API_V3_KEY);
    expect(certs).toHaveLength(1);
    expect(certs[0]!.serial_no).toBe(sim.platform.serialNo);
    expect((certs[0] as any).publicKey.replace(/\s/g, '')).toBe(sim.platform.publicKeyPem.replace(/\s/g, ''));
    await expect(pay.get_certificates('b'.repeat(32))).rejects.toThrow(); // a wrong APIv3 key cannot decrypt
  });

  test('validation: missing payer, foreign appid, reused out_trade_no with other params', async () => {
    const missing = await pay.transactions_jsapi({
      description: 'x',
      out_trade_no: outTradeNo(),
      notify_url: 'http://127.0.0.1:9/n',
      amount: { total: 1 },
    } as any);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.error).code).toBe('PARAM_ERROR');
    const foreign = await pay.transactions_jsapi({
      appid: 'wx_other',
      description: 'x',
      out_trade_no: outTradeNo(),
      notify_url: 'http://127.0.0.1:9/n',
      amount: { total: 1 },
      payer: { openid: 'o' },
    } as any);
    expect(foreign.status).toBe(400);
    const no = outTradeNo();
    const first = await prepay(no, 500);
    const same = await prepay(no, 500);
    expect(same.status).toBe(200);
    expect(same.data.package).toBe(first.data.package);
    const changed = await prepay(no, 501);
    expect(changed.status).toBe(400);
    expect(JSON.parse(changed.error).code).toBe('INVALID_REQUEST');
  });

  test('query, pay, close and refund follow the order life cycle', async () => {
    const no = outTradeNo();
    expect((await pay.query({ out_trade_no: 'GT_does_not_exist' })).status).toBe(404);
    await prepay(no, 10000, 'o_life');
    const unpaid = await pay.query({ out_trade_no: no });
    expect(unpaid.status).toBe(200);
    expect(unpaid.data).toMatchObject({
      trade_state: 'NOTPAY',
      out_trade_no: no,
      amount: { total: 10000 },
      payer: { openid: 'o_life' },
    });

    const refundTooEarly = await pay.refunds({
      out_trade_no: no,
      out_refund_no: `R${no}`,
      amount: { refund: 100, total: 10000, currency: 'CNY' },
    });
    expect(refundTooEarly.status).toBe(400);

    await sim.simulatePayment(no);
    const paid = await pay.query({ out_trade_no: no });
    expect(paid.data).toMatchObject({
      trade_state: 'SUCCESS',
      transaction_id: expect.stringMatching(/^4200\d{24}$/),
      success_time: expect.stringMatching(/\+08:00$/),
      amount: { total: 10000, payer_total: 10000 },
    });
    const byId = await pay.query({ transaction_id: paid.data.transaction_id });
    expect(byId.data.out_trade_no).toBe(no);

    const closePaid = await pay.close(no);
    expect(closePaid.status).toBe(400);
    expect(JSON.parse(closePaid.error).code).toBe('ORDERPAID');

    const tooMuch = await pay.refunds({
      out_trade_no: no,
      out_refund_no: `RX${no}`,
      amount: { refund: 10001, total: 10000, currency: 'CNY' },
    });
    expect(tooMuch.status).toBe(403);
    expect(JSON.parse(tooMuch.error).code).toBe('NOT_ENOUGH');

    const refund = await pay.refunds({
      out_trade_no: no,
      out_refund_no: `R1${no}`,
      reason: '变更减项',
      amount: { refund: 6000, total: 10000, currency: 'CNY' },
    });
    expect(refund.status).toBe(200);
    expect(refund.data).toMatchObject({
      status: 'PROCESSING',
      out_refund_no: `R1${no}`,
      amount: { refund: 6000, total: 10000 },
    });
    const second = await pay.refunds({
      out_trade_no: no,
      out_refund_no: `R2${no}`,
      amount: { refund: 4001, total: 10000, currency: 'CNY' },
    });
    expect(JSON.parse(second.error).code).toBe('NOT_ENOUGH'); // only 4000 left
    await sleep(120);
    const settled = await pay.find_refunds(`R1${no}`);
    expect(settled.data).toMatchObject({
      status: 'SUCCESS',
      success_time: expect.any(String),
      refund_id: refund.data!.refund_id,
    });
    expect((await pay.query({ out_trade_no: no })).data.trade_state).toBe('REFUND');
    expect((await pay.find_refunds('R_unknown')).status).toBe(404);

    const toClose = outTradeNo();
    await prepay(toClose);
    expect((await pay.close(toClose)).status).toBe(204);
    expect((await pay.query({ out_trade_no: toClose })).data.trade_state).toBe('CLOSED');
    expect((await pay.close('GT_missing_order')).status).toBe(404);
  });

  test('tradebill + downloadBill: the text hashes to hash_value and lists the day in yuan', async () => {
    const no = outTradeNo();
    await prepay(no, 88888, 'o_bill');
    await sim.simulatePayment(no);
    await pay.refunds({
      out_trade_no: no,
      out_refund_no: `RB${no}`,
      amount: { refund: 888, total: 88888, currency: 'CNY' },
    });
    await sleep(120);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const bill = await pay.tradebill({ bill_date: today, bill_type: 'ALL' });
    expect(bill.status).toBe(200);
    const { hash_type, hash_value, download_url } = bill.data as {
      hash_type: string;
      hash_value: string;
      download_url: string;
    };
    expect(hash_type).toBe('SHA1');
    const file = await pay.downloadBill(download_url);
    expect(file.status).toBe(200);
    expect(typeof file.data).toBe('string');
    const text = file.data as unknown as string;
    expect(createHash('sha1').update(text).digest('hex')).toBe(hash_value);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^交易时间,公众账号ID,商户号/);
    const paymentRow = lines.find((l) => l.includes(`\`${no},`) && l.includes('`SUCCESS,'))!;
    expect(paymentRow.split(',').every((f) => f.startsWith('`'))).toBe(true);
    expect(paymentRow).toContain('`888.88,');
    expect(lines.some((l) => l.includes(`\`RB${no},`) && l.includes('`8.88,'))).toBe(true);
    expect(lines.at(-2)).toMatch(/^总交易单数,/);
    expect(lines.at(-1)).toMatch(/^`\d+,`[\d.]+,`[\d.]+,/);

    const emptyDay = await pay.tradebill({ bill_date: '2020-01-01', bill_type: 'ALL' });
    expect(emptyDay.status).toBe(400);
    expect(JSON.parse(emptyDay.error).code).toBe('NO_STATEMENT_EXIST');
  });

  test('a pay fault answers the asked HTTP status', async () => {
    sim.injectFault({ endpoint: 'pay', httpStatus: 502 });
    expect((await pay.query({ out_trade_no: 'anything' })).status).toBe(502);
    expect((await pay.query({ out_trade_no: 'anything' })).status).toBe(404);
  });
});
