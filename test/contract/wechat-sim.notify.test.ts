import { createDecipheriv, createVerify, randomBytes } from 'node:crypto';
import WxPay from 'wechatpay-node-v3';
import { generateMerchantIdentity, startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import {
  NotifyReceiver,
  postJson,
  resetSdkCertificateCache,
  RewritingPayRequest,
  type ReceivedRequest,
} from './wechat-sim.support';

const APP_ID = 'wx0123456789abcdef';
const MCH_ID = '1900000109';
const API_V3_KEY = randomBytes(16).toString('hex');

interface NotifyBody {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: {
    algorithm: string;
    ciphertext: string;
    associated_data: string;
    original_type: string;
    nonce: string;
  };
}

/** What our webhook must do: AES-256-GCM with the auth tag checked (final() throws on tampering). */
function decryptResource(resource: NotifyBody['resource'], key = API_V3_KEY): any {
  const raw = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(resource.nonce));
  decipher.setAAD(Buffer.from(resource.associated_data));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return JSON.parse(
    Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8'),
  );
}

function signatureValid(req: ReceivedRequest, publicKeyPem: string, body = req.body): boolean {
  const message = `${req.headers['wechatpay-timestamp']}\n${req.headers['wechatpay-nonce']}\n${body}\n`;
  return createVerify('RSA-SHA256')
    .update(message)
    .verify(publicKeyPem, String(req.headers['wechatpay-signature']), 'base64');
}

describe('wechat-sim payment notifications', () => {
  const merchant = generateMerchantIdentity();
  const receiver = new NotifyReceiver();
  let sim: WechatSim;
  let pay: WxPay;
  let seq = 0;

  const createOrder = async (total: number, notifyUrl = receiver.url) => {
    const no = `GTN${Date.now()}${++seq}`;
    const res = await pay.transactions_jsapi({
      description: '施工款',
      out_trade_no: no,
      notify_url: notifyUrl,
      amount: { total },
      payer: { openid: 'o_notify' },
    });
    expect(res.status).toBe(200);
    return no;
  };

  beforeAll(async () => {
    await receiver.start();
    sim = await startWechatSim({
      appId: APP_ID,
      appSecret: 's',
      pay: { mchId: MCH_ID, apiV3Key: API_V3_KEY, merchantCertPem: merchant.certPem },
      notifyRetryDelaysMs: [100, 200],
      refundSettleMs: 30,
    });
    pay = new WxPay({
      appid: APP_ID,
      mchid: MCH_ID,
      publicKey: Buffer.from(merchant.certPem),
      privateKey: Buffer.from(merchant.privateKeyPem),
      key: API_V3_KEY,
    });
    pay.createHttp(new RewritingPayRequest(sim.url));
  });
  beforeEach(() => {
    receiver.received.length = 0;
    resetSdkCertificateCache();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  test('POST /__sim/pay delivers a signed TRANSACTION.SUCCESS whose resource decrypts, tag-checked', async () => {
    const no = await createOrder(250000);
    const answer = await postJson(`${sim.url}/__sim/pay`, { out_trade_no: no });
    expect(answer).toEqual({ delivered: true, status: 200 });
    const [req] = await receiver.waitFor(1);
    expect(req!.headers['wechatpay-serial']).toBe(sim.platform.serialNo);
    expect(Math.abs(Number(req!.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(signatureValid(req!, sim.platform.publicKeyPem)).toBe(true);
    expect(
      signatureValid(req!, sim.platform.publicKeyPem, req!.body.replace('TRANSACTION', 'TRANSACTIOM')),
    ).toBe(false);
    expect(signatureValid(req!, merchant.certPem)).toBe(false);

    const body = JSON.parse(req!.body) as NotifyBody;
    expect(body).toMatchObject({
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: expect.any(String),
      create_time: expect.stringMatching(/\+08:00$/),
    });
    expect(body.resource).toMatchObject({
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'transaction',
      original_type: 'transaction',
    });
    const transaction = decryptResource(body.resource);
    expect(transaction).toMatchObject({
      appid: APP_ID,
      mchid: MCH_ID,
      out_trade_no: no,
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      transaction_id: expect.any(String),
      payer: { openid: 'o_notify' },
      amount: { total: 250000, payer_total: 250000, currency: 'CNY' },
    });

    // the SDK's verifySign agrees (it fetches /v3/certificates from the simulator for the serial)
    expect(
      await pay.verifySign({
        timestamp: String(req!.headers['wechatpay-timestamp']),
        nonce: String(req!.headers['wechatpay-nonce']),
        body: req!.body,
        serial: sim.platform.serialNo,
        signature: String(req!.headers['wechatpay-signature']),
        apiSecret: API_V3_KEY,
      }),
    ).toBe(true);

    const bytes = Buffer.from(body.resource.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    expect(() => decryptResource({ ...body.resource, ciphertext: bytes.toString('base64') })).toThrow();
    expect(() => decryptResource({ ...body.resource, associated_data: 'refund' })).toThrow();
    expect(() => decryptResource(body.resource, 'x'.repeat(32))).toThrow();
  });

  test('a receiver that fails is retried with the same notification until it answers 2xx', async () => {
    const no = await createOrder(100);
    receiver.failNext(500, 503);
    const answer = await sim.simulatePayment(no);
    expect(answer).toEqual({ delivered: false, status: 500 });
    const attempts = await receiver.waitFor(3, 3000);
    const ids = attempts.map((a) => (JSON.parse(a.body) as NotifyBody).id);
    expect(new Set(ids).size).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(3); // delivered on the third attempt, no more retries
  });

  test('an unreachable notify_url reports delivered: false without a status', async () => {
    const no = await createOrder(100, 'http://127.0.0.1:9/closed-port');
    expect(await sim.simulatePayment(no)).toEqual({ delivered: false });
    expect((await pay.query({ out_trade_no: no })).data.trade_state).toBe('SUCCESS');
  });

  test('a refund with notify_url sends REFUND.SUCCESS encrypted with associated_data "refund"', async () => {
    const no = await createOrder(5000);
    await sim.simulatePayment(no);
    await receiver.waitFor(1);
    receiver.received.length = 0;
    const refund = await pay.refunds({
      out_trade_no: no,
      out_refund_no: `RN${no}`,
      notify_url: receiver.url,
      amount: { refund: 1200, total: 5000, currency: 'CNY' },
    });
    expect(refund.status).toBe(200);
    const [req] = await receiver.waitFor(1);
    expect(signatureValid(req!, sim.platform.publicKeyPem)).toBe(true);
    const body = JSON.parse(req!.body) as NotifyBody;
    expect(body.event_type).toBe('REFUND.SUCCESS');
    expect(body.resource.original_type).toBe('refund');
    expect(decryptResource(body.resource)).toMatchObject({
      mchid: MCH_ID,
      out_trade_no: no,
      out_refund_no: `RN${no}`,
      refund_status: 'SUCCESS',
      amount: { total: 5000, refund: 1200 },
    });
  });

  test('unknown orders are 404 on the control API', async () => {
    const res = await fetch(`${sim.url}/__sim/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ out_trade_no: 'nope' }),
    });
    expect(res.status).toBe(404);
  });

  test('the pay page offers the 模拟微信支付 button and the control API allows cross-origin calls', async () => {
    const page = await fetch(
      `${sim.url}/__sim/pay-page?out_trade_no=GT1%3Cx&return=${encodeURIComponent('http://127.0.0.1:5173/pay/done')}`,
    );
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('模拟微信支付');
    expect(html).toContain('/__sim/pay');
    expect(html).toContain('http://127.0.0.1:5173/pay/done');
    expect(html).not.toContain('GT1<x');
    const preflight = await fetch(`${sim.url}/__sim/pay`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('wechat-sim in "WeChat Pay public key" mode', () => {
  test('notifications carry Wechatpay-Serial PUB_KEY_ID_… and verify with the platform public key', async () => {
    const merchant = generateMerchantIdentity();
    const receiver = new NotifyReceiver();
    await receiver.start();
    const sim = await startWechatSim({
      appId: APP_ID,
      appSecret: 's',
      pay: {
        mchId: MCH_ID,
        apiV3Key: API_V3_KEY,
        merchantCertPem: merchant.certPem,
        platformSerialMode: 'publicKey',
      },
    });
    try {
      const pay = new WxPay({
        appid: APP_ID,
        mchid: MCH_ID,
        publicKey: Buffer.from(merchant.certPem),
        privateKey: Buffer.from(merchant.privateKeyPem),
        key: API_V3_KEY,
      });
      pay.createHttp(new RewritingPayRequest(sim.url));
      await pay.transactions_jsapi({
        description: 'x',
        out_trade_no: 'GTPUBKEY0001',
        notify_url: receiver.url,
        amount: { total: 1 },
        payer: { openid: 'o' },
      });
      await sim.simulatePayment('GTPUBKEY0001');
      const [req] = await receiver.waitFor(1);
      expect(sim.platform.publicKeyId).toMatch(/^PUB_KEY_ID_/);
      expect(req!.headers['wechatpay-serial']).toBe(sim.platform.publicKeyId);
      expect(signatureValid(req!, sim.platform.publicKeyPem)).toBe(true);
    } finally {
      await sim.close();
      await receiver.close();
    }
  });
});
