import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RsaIdentity {
  privateKeyPem: string;
  certPem: string;
  /** Upper-case hex, 40 digits, as WeChat prints certificate serials. */
  serialNo: string;
}

/**
 * A positive 20-byte serial whose first byte never needs padding, so every X.509 parser
 * (node, openssl, @fidm/x509 used by wechatpay-node-v3) prints the same 40 hex digits.
 */
function randomSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x60);
  return bytes.toString('hex').toUpperCase();
}

/** RSA-2048 key (PKCS#8, like apiclient_key.pem) and a self-signed certificate made by the openssl CLI. */
export function generateRsaIdentity(subject: string, days = 3650): RsaIdentity {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const serialNo = randomSerialHex();
  const dir = mkdtempSync(join(tmpdir(), 'wechat-sim-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, privateKeyPem, { mode: 0o600 });
    const certPem = execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-sha256',
        '-key',
        keyPath,
        '-subj',
        subject,
        '-days',
        String(days),
        '-set_serial',
        `0x${serialNo}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { privateKeyPem, certPem, serialNo: certificateSerial(certPem) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A merchant API identity (apiclient_key.pem + apiclient_cert.pem) for tests and dev secrets. */
export function generateMerchantIdentity(): RsaIdentity {
  return generateRsaIdentity('/C=CN/O=Gantry Dev Merchant/OU=WeChat Pay/CN=Gantry Dev Merchant');
}

export function certificateSerial(certPem: string): string {
  return new X509Certificate(certPem).serialNumber.toUpperCase();
}

/** Compares serials the way parsers disagree on them: case and leading zeros. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toUpperCase().replace(/^0+/, '');
  return norm(a) === norm(b);
}
