import { X509Certificate } from 'node:crypto';
import WxPay from 'wechatpay-node-v3';
import { AppError, UpstreamError } from '../../core/errors';
import { bodyStream, type TradeBillSource } from './trade-bill.source';

const WECHAT_ORIGIN = 'https://api.mch.weixin.qq.com';
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

export interface WechatBillOptions {
  appId: string;
  mchId: string;
  certPem: string;
  privateKeyPem: string;
  /** The merchant certificate's serial; read from the certificate when absent. */
  serialNo?: string;
  /** https://api.mch.weixin.qq.com in production; the simulator's URL here. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * The SDK signs the `tradebill` call; its `downloadBill` however buffers the whole text, so the
 * download is done here with a signed streaming GET (the SDK's own Authorization, exposed by this
 * subclass because `buildAuthorization` is protected).
 */
class BillPay extends WxPay {
  signedHeaders(url: string): Record<string, string> {
    return this.getHeaders(this.buildAuthorization('GET', url)) as Record<string, string>;
  }
}

export class WechatTradeBillSource implements TradeBillSource {
  private readonly pay: BillPay;

  constructor(private readonly opts: WechatBillOptions) {
    this.pay = new BillPay({
      appid: opts.appId,
      mchid: opts.mchId,
      publicKey: Buffer.from(opts.certPem),
      privateKey: Buffer.from(opts.privateKeyPem),
      serial_no: opts.serialNo ?? new X509Certificate(opts.certPem).serialNumber.toUpperCase(),
    });
    this.pay.createHttp({
      get: async (url: string, headers: Record<string, string>) => {
        const res = await this.fetch(url, headers);
        const text = await res.text();
        return { status: res.status, data: text ? JSON.parse(text) : undefined };
      },
      post: () => Promise.reject(new Error('not used')),
    } as never);
  }

  async locate(billDate: string) {
    const res = (await this.pay.tradebill({ bill_date: billDate, bill_type: 'ALL' })) as {
      status?: number;
      data?: { hash_type: string; hash_value: string; download_url: string; code?: string; message?: string };
    };
    if (res.status === 200 && res.data?.download_url)
      return {
        hashType: res.data.hash_type,
        hashValue: res.data.hash_value,
        downloadUrl: res.data.download_url,
      };
    if (res.data?.code === 'NO_STATEMENT_EXIST') return null;
    throw new UpstreamError(`下载对账单失败：${res.data?.message ?? res.status ?? '网络错误'}`);
  }

  async open(downloadUrl: string) {
    // A large bill takes longer than an API call: the timeout covers reading the whole body.
    const res = await this.fetch(downloadUrl, this.pay.signedHeaders(downloadUrl), DOWNLOAD_TIMEOUT_MS);
    if (res.status !== 200) throw new UpstreamError(`下载对账单失败：HTTP ${res.status}`);
    return bodyStream(res.body);
  }

  private async fetch(url: string, headers: Record<string, string>, timeoutMs = this.opts.timeoutMs) {
    const target = url.startsWith(WECHAT_ORIGIN) ? this.opts.baseUrl + url.slice(WECHAT_ORIGIN.length) : url;
    try {
      return await fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new UpstreamError('微信支付服务暂时不可用', { cause: String(err) });
    }
  }
}

/** Before the merchant is configured, reconciliation answers 503 like paying does. */
export const unconfiguredBillSource: TradeBillSource = {
  locate: () => Promise.reject(new AppError('SERVICE_UNAVAILABLE', '微信支付尚未配置，无法下载对账单')),
  open: () => Promise.reject(new AppError('SERVICE_UNAVAILABLE', '微信支付尚未配置，无法下载对账单')),
};

export function tradeBillSourceFor(
  pay: {
    appId?: string;
    mchId: string;
    certPem: string;
    privateKeyPem: string;
    certSerial?: string;
    baseUrl: string;
  } | null,
  wechat: { appId: string; requestTimeoutMs: number },
): TradeBillSource {
  if (!pay) return unconfiguredBillSource;
  return new WechatTradeBillSource({
    appId: wechat.appId,
    mchId: pay.mchId,
    certPem: pay.certPem,
    privateKeyPem: pay.privateKeyPem,
    serialNo: pay.certSerial,
    baseUrl: pay.baseUrl.replace(/\/$/, ''),
    timeoutMs: wechat.requestTimeoutMs,
  });
}
