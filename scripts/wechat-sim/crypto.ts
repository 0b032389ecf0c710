import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  randomUUID,
  X509Certificate,
} from 'node:crypto';
import { generateRsaIdentity, type RsaIdentity } from './merchant';

export interface PlatformIdentity extends RsaIdentity {
  publicKeyPem: string;
  /** Serial used in "WeChat Pay public key" mode (Wechatpay-Serial: PUB_KEY_ID_…). */
  publicKeyId: string;
}

export function generatePlatformIdentity(): PlatformIdentity {
  const identity = generateRsaIdentity(
    '/C=CN/O=Tenpay.com/OU=Tenpay.com CA Center/CN=Tenpay.com Root CA (simulated)',
  );
  return completePlatformIdentity(identity);
}

/** Derives the public key and its id from a key + certificate (used when restoring persisted state). */
export function completePlatformIdentity(identity: RsaIdentity & { publicKeyId?: string }): PlatformIdentity {
  const publicKeyPem = createPublicKey(identity.privateKeyPem)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const publicKeyId = identity.publicKeyId ?? `PUB_KEY_ID_${randomBytes(14).toString('hex').toUpperCase()}`;
  return { ...identity, publicKeyPem, publicKeyId };
}

export function rsaSign(message: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

export function rsaVerify(message: string, signature: string, publicKeyOrCertPem: string): boolean {
  try {
    const key = publicKeyOrCertPem.includes('CERTIFICATE')
      ? new X509Certificate(publicKeyOrCertPem).publicKey
      : publicKeyOrCertPem;
    return createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

export interface AeadResource {
  ciphertext: string;
  nonce: string;
  associated_data: string;
}

/** AEAD_AES_256_GCM as WeChat Pay does it: utf-8 APIv3 key, 12-char nonce, auth tag appended, base64. */
export function aeadEncrypt(plaintext: string, apiV3Key: string, associatedData: string): AeadResource {
  const nonce = randomNonce(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: body.toString('base64'), nonce, associated_data: associatedData };
}

/** Inverse of aeadEncrypt; throws when the auth tag does not match. */
export function aeadDecrypt(resource: AeadResource, apiV3Key: string): string {
  const raw = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(resource.nonce, 'utf8'),
  );
  decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomNonce(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

export function randomId(): string {
  return randomUUID();
}

export interface SignedHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': string;
}

/** Signs `TIMESTAMP\nNONCE\nBODY\n` with the platform key, as WeChat signs responses and notifications. */
export function platformSignHeaders(body: string, privateKeyPem: string, serial: string): SignedHeaders {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomNonce(32);
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': rsaSign(`${timestamp}\n${nonce}\n${body}\n`, privateKeyPem),
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}
