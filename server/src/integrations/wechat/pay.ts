import WxPay from 'wechatpay-node-v3';
import { UpstreamError } from '../../core/errors';
import { payHttp } from './pay-http';

/** What our domain knows of a WeChat Pay transaction (query answer or TRANSACTION.SUCCESS resource). */
export interface GatewayTransaction {
  appId: string;
  mchId: string;
  outTradeNo: string;
  transactionId: string | null;
  /** SUCCESS, NOTPAY, CLOSED, REFUND, USERPAYING, PAYERROR, REVOKED. */
  state: string;
  /** amount.total in fen. */
  amount: number;
  payerOpenid: string | null;
  successTime: Date | null;
}

/** What our domain knows of a WeChat Pay refund (apply/query answer or REFUND.* resource). */
export interface GatewayRefund {
  mchId: string | null;
  outTradeNo: string;
  transactionId: string;
  outRefundNo: string;
  refundId: string;
  /** SUCCESS, PROCESSING, ABNORMAL, CLOSED. */
  status: string;
  amount: number;
  total: number;
  successTime: Date | null;
}

export interface WechatPayConfig {
  appId: string;
  mchId: string;
  apiV3Key: string;
  privateKeyPem: string;
  certPem: string;
  certSerial?: string;
  /** Origin the SDK's hard-coded https://api.mch.weixin.qq.com is rewritten to (the simulator in dev). */
  baseUrl: string;
  timeoutMs: number;
  notifyUrl: string;
  /** "WeChat Pay public key" mode (serial PUB_KEY_ID_…), beside the platform certificates. */
  platformPublicKey?: { id: string; pem: string } | null;
}

/** A WeChat Pay API answered with an error: its HTTP status and `code` (ORDER_NOT_EXIST, NOT_ENOUGH…). */
export class PayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`WeChat Pay ${status} ${code}: ${message}`);
    this.name = 'PayApiError';
  }
}

export interface WechatPay {
  jsapiPrepay(input: {
    outTradeNo: string;
    description: string;
    amount: number;
    openid: string;
    expiresAt: Date;
  }): Promise<{
    appId: string;
    timeStamp: string;
    nonceStr: string;
    package: string;
    signType: string;
    paySign: string;
  }>;
  /** null when WeChat does not know the order. */
  queryOrder(outTradeNo: string): Promise<GatewayTransaction | null>;
  closeOrder(outTradeNo: string): Promise<void>;
  refund(input: {
    outTradeNo: string;
    outRefundNo: string;
    amount: number;
    total: number;
    reason: string;
    notifyUrl: string;
  }): Promise<GatewayRefund>;
  /** null when WeChat does not know the refund. */
  queryRefund(outRefundNo: string): Promise<GatewayRefund | null>;
  /** The trade bill's download URL and SHA1 for a day (yyyy-MM-dd); the reconciliation downloads it. */
  tradeBill(billDate: string): Promise<{ downloadUrl: string; hashType: string; hashValue: string }>;
  downloadBill(url: string): Promise<string>;
  /** The SDK instance's notification helpers (pay-notify.ts); not for domains. */
  readonly sdk: WxPay;
}

type SdkResult = { status?: number; data?: unknown; error?: unknown };

/** The JSON WeChat sends (query answers, decrypted resources); every field optional until checked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, read field by field below
type Wire = Record<string, any>;
export interface WireTransaction {
  appid?: unknown;
  mchid?: unknown;
  out_trade_no?: unknown;
  transaction_id?: unknown;
  trade_state?: unknown;
  amount?: { total?: unknown };
  payer?: { openid?: unknown };
  success_time?: unknown;
}
export interface WireRefund {
  mchid?: unknown;
  out_trade_no?: unknown;
  transaction_id?: unknown;
  out_refund_no?: unknown;
  refund_id?: unknown;
  refund_status?: unknown;
  status?: unknown;
  amount?: { refund?: unknown; total?: unknown };
  success_time?: unknown;
}

/** rfc3339 with +08:00 → Date; undefined/empty → null. */
function timeOf(s: unknown): Date | null {
  return typeof s === 'string' && s ? new Date(s) : null;
}

function formatExpire(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${cst}+08:00`;
}

/** Maps a transaction object (query answer or decrypted notification) to ours. */
export function toGatewayTransaction(t: WireTransaction): GatewayTransaction {
  return {
    appId: String(t.appid ?? ''),
    mchId: String(t.mchid ?? ''),
    outTradeNo: String(t.out_trade_no ?? ''),
    transactionId: t.transaction_id ? String(t.transaction_id) : null,
    state: String(t.trade_state ?? ''),
    amount: Number(t.amount?.total),
    payerOpenid: t.payer?.openid ? String(t.payer.openid) : null,
    successTime: timeOf(t.success_time),
  };
}

/** Maps a refund object (apply/query answer or decrypted REFUND.* resource) to ours. */
export function toGatewayRefund(r: WireRefund): GatewayRefund {
  return {
    mchId: r.mchid ? String(r.mchid) : null,
    outTradeNo: String(r.out_trade_no ?? ''),
    transactionId: String(r.transaction_id ?? ''),
    outRefundNo: String(r.out_refund_no ?? ''),
    refundId: String(r.refund_id ?? ''),
    status: String(r.refund_status ?? r.status ?? ''),
    amount: Number(r.amount?.refund),
    total: Number(r.amount?.total),
    successTime: timeOf(r.success_time),
  };
}

/** Turns an SDK answer into data, PayApiError (WeChat said no) or UpstreamError (no answer / 5xx). */
function unwrap(result: SdkResult, what: string): Wire {
  if (result.status !== undefined && result.status >= 200 && result.status < 300)
    return (result.data ?? {}) as Wire;
  if (result.status === undefined || result.status >= 500)
    throw new UpstreamError('微信支付暂时不可用，请稍后再试', { what, httpStatus: result.status ?? null });
  let parsed: { code?: string; message?: string } = {};
  try {
    parsed = typeof result.error === 'string' ? JSON.parse(result.error) : {};
  } catch {
    /* not JSON */
  }
  throw new PayApiError(
    result.status,
    parsed.code ?? 'UNKNOWN',
    parsed.message ?? String(result.error ?? ''),
  );
}

export function createWechatPay(config: WechatPayConfig): WechatPay {
  const sdk = new WxPay({
    appid: config.appId,
    mchid: config.mchId,
    publicKey: Buffer.from(config.certPem),
    privateKey: Buffer.from(config.privateKeyPem),
    ...(config.certSerial ? { serial_no: config.certSerial } : {}),
    key: config.apiV3Key,
  });
  const keys = {
    sdk,
    apiV3Key: config.apiV3Key,
    platformPublicKey: config.platformPublicKey ?? null,
  };
  sdk.createHttp(payHttp(config.baseUrl, config.timeoutMs, () => keys) as never);
  const orNull = async <T>(call: () => Promise<T>): Promise<T | null> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof PayApiError && err.status === 404) return null;
      throw err;
    }
  };
  return {
    sdk,
    async jsapiPrepay(input) {
      const result = (await sdk.transactions_jsapi({
        description: input.description,
        out_trade_no: input.outTradeNo,
        notify_url: config.notifyUrl,
        time_expire: formatExpire(input.expiresAt),
        amount: { total: input.amount, currency: 'CNY' },
        payer: { openid: input.openid },
      } as never)) as SdkResult;
      const data = unwrap(result, 'jsapi');
      if (typeof data.package !== 'string') throw new UpstreamError('微信支付下单失败', { what: 'jsapi' });
      return {
        appId: String(data.appId),
        timeStamp: String(data.timeStamp),
        nonceStr: String(data.nonceStr),
        package: data.package,
        signType: String(data.signType),
        paySign: String(data.paySign),
      };
    },
    queryOrder: (outTradeNo) =>
      orNull(async () =>
        toGatewayTransaction(unwrap((await sdk.query({ out_trade_no: outTradeNo })) as SdkResult, 'query')),
      ),
    async closeOrder(outTradeNo) {
      unwrap((await sdk.close(outTradeNo)) as SdkResult, 'close');
    },
    async refund(input) {
      const result = (await sdk.refunds({
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason,
        notify_url: input.notifyUrl,
        amount: { refund: input.amount, total: input.total, currency: 'CNY' },
      } as never)) as SdkResult;
      return toGatewayRefund(unwrap(result, 'refund'));
    },
    queryRefund: (outRefundNo) =>
      orNull(async () =>
        toGatewayRefund(unwrap((await sdk.find_refunds(outRefundNo)) as SdkResult, 'find_refunds')),
      ),
    async tradeBill(billDate) {
      const data = unwrap(
        (await sdk.tradebill({ bill_date: billDate, bill_type: 'ALL' } as never)) as SdkResult,
        'tradebill',
      );
      return {
        downloadUrl: String(data.download_url),
        hashType: String(data.hash_type),
        hashValue: String(data.hash_value),
      };
    },
    async downloadBill(url) {
      const result = (await sdk.downloadBill(url)) as SdkResult;
      const data = result.status === 200 ? result.data : undefined;
      if (typeof data !== 'string')
        throw new UpstreamError('账单下载失败', { httpStatus: result.status ?? null });
      return data;
    },
  };
}
