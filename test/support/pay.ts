import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { aeadEncrypt, rsaSign } from '../../scripts/wechat-sim/crypto';
import { tradeNoFor } from '../../server/src/modules/payments/payment.view';
import { generateMerchantIdentity, startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import { startTestSystem, type TestSystem } from './system';

/** A customer with a signed-in portal account and an issued invoice of `amount` fen to pay. */
export async function payerWithInvoice(sys: TestSystem, amount = 120_000) {
  const openid = `o_pay_${crypto.randomBytes(4).toString('hex')}`;
  const { customer } = await sys.seed.customerWithPortal({
    openid,
    customerName: `付款客户${openid.slice(-4)}`,
  });
  const token = await sys.loginWechat(openid);
  const invoice = await newInvoice(sys, customer.id, amount);
  return { openid, customer, token, invoiceId: invoice.id };
}

/** An issued invoice straight through the invoices model (the contract flow is tested elsewhere). */
export async function newInvoice(sys: TestSystem, customerId: string, amount: number) {
  const n = crypto.randomBytes(3).toString('hex');
  const doc = await sys.server.container.models.invoices.create({
    number: `HT-PAY-${n}-01`,
    contractId: new Types.ObjectId(),
    contractNumber: `HT-PAY-${n}`,
    installmentId: new Types.ObjectId(),
    customerId: new Types.ObjectId(customerId),
    amount,
    status: 'issued',
    issuedAt: new Date(),
    dueDate: new Date(Date.now() + 7 * 86_400_000),
    reason: { kind: 'signing', milestoneId: null, milestoneName: null, installmentName: '首付款' },
  });
  return { id: String(doc._id) };
}

export const payFor = (sys: TestSystem, invoiceId: string, token: string, key: string) =>
  sys.api.request('POST', `/api/v1/invoices/${invoiceId}/payments`, {
    token,
    headers: { 'Idempotency-Key': key },
  });

export function merchantOf(sys: TestSystem) {
  const wp = sys.config.payments.wechatPay!;
  return { mchId: wp.mchId, apiV3Key: wp.apiV3Key, appId: sys.config.wechat.appId };
}

/** A TRANSACTION.SUCCESS resource as WeChat sends it, for our order. */
export function transactionResource(
  sys: TestSystem,
  order: { outTradeNo: string; amount: number; openid: string },
  over: Record<string, unknown> = {},
) {
  const m = merchantOf(sys);
  return {
    appid: m.appId,
    mchid: m.mchId,
    out_trade_no: order.outTradeNo,
    transaction_id: `42000${crypto.randomInt(1e9, 9e9)}${crypto.randomInt(1e9, 9e9)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    success_time: new Date().toISOString().replace('Z', '+00:00'),
    payer: { openid: order.openid },
    amount: { total: order.amount, payer_total: order.amount, currency: 'CNY', payer_currency: 'CNY' },
    ...over,
  };
}

export interface ForgeOptions {
  event?: string;
  apiV3Key?: string;
  serial?: string;
  /** Seconds added to now for Wechatpay-Timestamp. */
  skewSeconds?: number;
  signature?: string;
  signingKeyPem?: string;
  /** Flip a byte of the ciphertext after encrypting. */
  tamper?: boolean;
}

/** A notification signed (by default) with the simulator's platform key, exactly as WeChat builds one. */
export function notification(sys: TestSystem, resource: object, o: ForgeOptions = {}) {
  const event = o.event ?? 'TRANSACTION.SUCCESS';
  const type = event.startsWith('REFUND') ? 'refund' : 'transaction';
  const enc = aeadEncrypt(JSON.stringify(resource), o.apiV3Key ?? merchantOf(sys).apiV3Key, type);
  if (o.tamper) {
    const raw = Buffer.from(enc.ciphertext, 'base64');
    raw[3] = (raw[3] ?? 0) ^ 0x01;
    enc.ciphertext = raw.toString('base64');
  }
  const body = JSON.stringify({
    id: crypto.randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: event,
    summary: '支付成功',
    resource: { original_type: type, algorithm: 'AEAD_AES_256_GCM', ...enc },
  });
  const timestamp = String(Math.floor(Date.now() / 1000) + (o.skewSeconds ?? 0));
  const nonce = crypto.randomBytes(16).toString('hex');
  const signature =
    o.signature ??
    rsaSign(`${timestamp}\n${nonce}\n${body}\n`, o.signingKeyPem ?? sys.sim.platform.privateKeyPem);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': o.serial ?? sys.sim.platform.serialNo,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
  };
}

export const postNotify = (
  sys: TestSystem,
  n: { body: string; headers: Record<string, string> },
  path = 'notify',
) => sys.api.request('POST', `/api/v1/payments/wechat/${path}`, { rawBody: n.body, headers: n.headers });

/**
 * `n` unpaid orders of one customer (an issued invoice and our payment record each, numbered as
 * the payment service numbers them), straight through the models: for tests and benchmarks of the
 * notification path, where how an order came to be does not matter.
 */
export async function seedOpenOrders(sys: TestSystem, n: number, amountFrom = 10_000) {
  const { invoices, payments } = sys.server.container.models;
  const customerId = new Types.ObjectId();
  const tag = crypto.randomBytes(3).toString('hex');
  const orders = Array.from({ length: n }, (_, i) => {
    const _id = new Types.ObjectId();
    return {
      _id,
      outTradeNo: tradeNoFor('P', _id),
      invoiceId: new Types.ObjectId(),
      amount: amountFrom + i,
      openid: `o_seed_payer_${tag}`,
    };
  });
  await invoices.insertMany(
    orders.map((o, i) => ({
      _id: o.invoiceId,
      number: `HT-SEED-${tag}-${i}`,
      contractId: new Types.ObjectId(),
      contractNumber: `HT-SEED-${tag}`,
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
    orders.map((o, i) => ({
      _id: o._id,
      invoiceId: o.invoiceId,
      customerId,
      portalAccountId: customerId,
      idempotencyKey: `seed-${tag}-${i}`,
      amount: o.amount,
      outTradeNo: o.outTradeNo,
      status: 'created',
      payerOpenid: o.openid,
      description: '首付款',
    })),
  );
  return orders;
}

/**
 * A test system whose WeChat Pay talks to a simulator of its own merchant `mchId` (the trade bill
 * tests edit that simulator's bill), and a signed-in finance user.
 */
export async function startWithOwnPaySim(
  mchId: string,
): Promise<{ sys: TestSystem; paySim: WechatSim; finance: string }> {
  const merchant = generateMerchantIdentity();
  const apiV3Key = crypto.randomBytes(16).toString('hex');
  const paySim = await startWechatSim({
    appId: 'wxtestgantry00001',
    appSecret: 'test-app-secret-not-for-production',
    pay: { mchId, apiV3Key, merchantCertPem: merchant.certPem },
  });
  const wechatPay = {
    mchId,
    apiV3Key,
    privateKeyPem: merchant.privateKeyPem,
    certPem: merchant.certPem,
    baseUrl: paySim.url,
  };
  const sys = await startTestSystem({ overrides: { payments: { wechatPay } } });
  const f = await sys.seed.staff('finance');
  return { sys, paySim, finance: await sys.loginStaff(f.username, f.password) };
}
