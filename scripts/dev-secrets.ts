/**
 * Creates local development secrets, once: `tsx scripts/dev-secrets.ts [dir]` (default .data/secrets).
 * Existing files are kept, so re-running is safe; dev.env is rewritten from what is on disk.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { certificateSerial, generateMerchantIdentity } from './wechat-sim/merchant';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number, alphabet = ALPHANUMERIC): string {
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Reads a one-line secret file, or creates it with `make()`. */
function ensureValue(file: string, make: () => string): string {
  if (!existsSync(file)) writeFileSync(file, `${make()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function ensureDevSecrets(dirArg = '.data/secrets'): string {
  const dir = resolve(dirArg);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const appSecret = ensureValue(join(dir, 'wechat_app_secret'), () => randomBytes(16).toString('hex'));
  const apiV3Key = ensureValue(join(dir, 'apiv3_key'), () => randomText(32));
  const filesSigningSecret = ensureValue(join(dir, 'files_signing_secret'), () =>
    randomBytes(32).toString('hex'),
  );
  const mchId = ensureValue(join(dir, 'mch_id'), () => `19${randomText(8, '0123456789')}`);
  const keyFile = join(dir, 'apiclient_key.pem');
  const certFile = join(dir, 'apiclient_cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    const identity = generateMerchantIdentity();
    writeFileSync(keyFile, identity.privateKeyPem, { mode: 0o600 });
    writeFileSync(certFile, identity.certPem);
  }
  const serial = certificateSerial(readFileSync(certFile, 'utf8'));
  const envFile = join(dir, 'dev.env');
  const vars: Record<string, string> = {
    WECHAT_APP_SECRET: appSecret,
    FILES_SIGNING_SECRET: filesSigningSecret,
    WECHAT_PAY_MCH_ID: mchId,
    WECHAT_PAY_API_V3_KEY: apiV3Key,
    WECHAT_PAY_PRIVATE_KEY_FILE: keyFile,
    WECHAT_PAY_CERT_FILE: certFile,
    WECHAT_PAY_CERT_SERIAL: serial,
  };
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `export ${k}=${quote(v)}\n`)
      .join(''),
    { mode: 0o600 },
  );
  return envFile;
}

if (require.main === module) {
  console.log(`dev secrets ready: ${ensureDevSecrets(process.argv[2])}`);
}
