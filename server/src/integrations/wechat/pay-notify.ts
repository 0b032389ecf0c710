import { createDecipheriv } from 'node:crypto';
import WxPay from 'wechatpay-node-v3';
import {
  toGatewayRefund,
  toGatewayTransaction,
  type GatewayRefund,
  type GatewayTransaction,
  type WechatPay,
} from './pay';
import { verifyWechatSignature } from './pay-http';

/** A notification we refuse: the HTTP status WeChat gets and the message of `{"code":"FAIL"}`. */
export class NotifyRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NotifyRejected';
  }
}

export type PayNotification =
  | { kind: 'transaction'; id: string; eventType: string; transaction: GatewayTransaction }
  | { kind: 'refund'; id: string; eventType: string; refund: GatewayRefund };

export interface PayNotifyConfig {
  apiV3Key: string;
  /** "WeChat Pay public key" mode: serial PUB_KEY_ID_… and its PEM (merchants onboarded since late 2024). */
  platformPublicKey: { id: string; pem: string } | null;
  maxSkewSeconds: number;
}

export interface NotifyRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  now: Date;
}

const header = (h: NotifyRequest['headers'], name: string): string => {
  const v = h[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** AEAD_AES_256_GCM with the auth tag checked (`final()`), which the SDK's decipher_gcm skips. */
export function decryptResource(
  resource: { ciphertext: string; nonce: string; associated_data?: string },
  apiV3Key: string,
): string {
  const raw = Buffer.from(resource.ciphertext, 'base64');
  if (raw.length <= 16) throw new Error('ciphertext too short');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(resource.nonce, 'utf8'),
  );
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

/**
 * Verifies and opens a WeChat Pay notification: headers present, not a SIGNTEST probe, timestamp
 * within the skew, RSA-SHA256 over the raw body with the key the serial names (platform certificate
 * through the SDK, or the configured WeChat Pay public key), then the resource decrypted with the
 * GCM tag checked. Answers our own types; anything off throws NotifyRejected.
 */
export class PayNotifyVerifier {
  constructor(
    private readonly pay: Pick<WechatPay, 'sdk'>,
    private readonly config: PayNotifyConfig,
  ) {}

  async open(req: NotifyRequest): Promise<PayNotification> {
    const signature = header(req.headers, 'wechatpay-signature');
    const serial = header(req.headers, 'wechatpay-serial');
    const timestamp = header(req.headers, 'wechatpay-timestamp');
    const nonce = header(req.headers, 'wechatpay-nonce');
    if (!signature || !serial || !timestamp || !nonce) throw new NotifyRejected(401, '缺少签名头');
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new NotifyRejected(401, '探测签名');
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(req.now.getTime() / 1000 - ts) > this.config.maxSkewSeconds)
      throw new NotifyRejected(401, '时间戳过期');
    if (!(await this.verify({ signature, serial, timestamp, nonce, body: req.rawBody })))
      throw new NotifyRejected(401, '签名错误');
    return this.decode(req.rawBody);
  }

  private verify(p: { signature: string; serial: string; timestamp: string; nonce: string; body: string }) {
    return verifyWechatSignature(
      { sdk: this.pay.sdk, apiV3Key: this.config.apiV3Key, platformPublicKey: this.config.platformPublicKey },
      p,
    );
  }

  private decode(rawBody: string): PayNotification {
    let envelope: { id?: string; event_type?: string; resource?: Record<string, string> };
    try {
      envelope = JSON.parse(rawBody);
    } catch {
      throw new NotifyRejected(400, '通知内容不是有效的 JSON');
    }
    const r = envelope.resource;
    if (!r || r.algorithm !== 'AEAD_AES_256_GCM' || !r.ciphertext || !r.nonce)
      throw new NotifyRejected(400, '通知缺少加密资源');
    let plain: Record<string, unknown>;
    try {
      plain = JSON.parse(
        decryptResource(
          { ciphertext: r.ciphertext, nonce: r.nonce, associated_data: r.associated_data },
          this.config.apiV3Key,
        ),
      );
    } catch {
      throw new NotifyRejected(400, '解密失败');
    }
    const id = String(envelope.id ?? '');
    const eventType = String(envelope.event_type ?? '');
    if (eventType.startsWith('TRANSACTION.'))
      return { kind: 'transaction', id, eventType, transaction: toGatewayTransaction(plain) };
    if (eventType.startsWith('REFUND.'))
      return { kind: 'refund', id, eventType, refund: toGatewayRefund(plain) };
    throw new NotifyRejected(400, `不支持的通知类型 ${eventType}`);
  }
}

/** Tests only: the SDK caches platform certificates in a static map shared by every instance. */
export function resetPlatformCertificates(): void {
  (WxPay as unknown as { certificates: Record<string, string> }).certificates = {};
}
