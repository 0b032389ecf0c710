import { createVerify } from 'node:crypto';
import type WxPay from 'wechatpay-node-v3';

const WECHAT_ORIGIN = 'https://api.mch.weixin.qq.com';
const MAX_SKEW_SECONDS = 300;

export interface SignedMessage {
  timestamp: string;
  nonce: string;
  body: string;
  serial: string;
  signature: string;
}

export interface SignatureKeys {
  sdk: WxPay;
  apiV3Key: string;
  /** "WeChat Pay public key" mode: serial PUB_KEY_ID_… and its PEM. */
  platformPublicKey: { id: string; pem: string } | null;
}

/**
 * WeChat's RSA-SHA256 signature over `TIMESTAMP\nNONCE\nBODY\n`, with the key the serial names: the
 * WeChat Pay public key (PUB_KEY_ID_…) or a platform certificate (the SDK's static cache, filled
 * from /v3/certificates when the serial is new). Probes (WECHATPAY/SIGNTEST/) never verify.
 */
export async function verifyWechatSignature(keys: SignatureKeys, m: SignedMessage): Promise<boolean> {
  if (!m.signature || m.signature.startsWith('WECHATPAY/SIGNTEST/')) return false;
  const message = `${m.timestamp}\n${m.nonce}\n${m.body}\n`;
  try {
    if (m.serial.startsWith('PUB_KEY_ID_')) {
      const key = keys.platformPublicKey;
      return (
        !!key &&
        key.id === m.serial &&
        createVerify('RSA-SHA256').update(message).verify(key.pem, m.signature, 'base64')
      );
    }
    return await keys.sdk.verifySign({ ...m, apiSecret: keys.apiV3Key });
  } catch {
    return false;
  }
}

/**
 * The SDK's HTTP layer replaced by fetch: the hard-coded WeChat origin is rewritten to the configured
 * one (the SDK still signs the original path); every answer but the certificate list and bill
 * downloads (which WeChat does not sign) must carry a valid WeChat signature, or it is treated as no
 * answer at all. Errors are answered, never thrown, like the SDK's own layer.
 */
export function payHttp(baseUrl: string, timeoutMs: number, keys: () => SignatureKeys) {
  const send = async (
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const target = url.startsWith(WECHAT_ORIGIN)
      ? baseUrl.replace(/\/$/, '') + url.slice(WECHAT_ORIGIN.length)
      : url;
    try {
      const res = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      const isText = (res.headers.get('content-type') ?? '').startsWith('text/plain');
      if (!isText && !url.endsWith('/v3/certificates') && !(await signedByWechat(keys(), res.headers, text)))
        return { errRaw: 'unsigned', error: 'WeChat Pay response signature invalid' };
      let data: unknown = text;
      if (!isText && text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      if (res.ok) return { status: res.status, data: text === '' ? {} : data };
      return { status: res.status, errRaw: data, error: text };
    } catch (err) {
      return { errRaw: String(err), error: (err as Error).message };
    }
  };
  return {
    post: (url: string, params: unknown, headers: Record<string, string>) =>
      send('POST', url, headers, params),
    get: (url: string, headers: Record<string, string>) => send('GET', url, headers),
    upload: () => Promise.reject(new Error('not used')),
  };
}

async function signedByWechat(keys: SignatureKeys, h: Headers, body: string): Promise<boolean> {
  const timestamp = h.get('wechatpay-timestamp') ?? '';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
  return verifyWechatSignature(keys, {
    timestamp,
    nonce: h.get('wechatpay-nonce') ?? '',
    body,
    serial: h.get('wechatpay-serial') ?? '',
    signature: h.get('wechatpay-signature') ?? '',
  });
}
