/**
 * CLI: `tsx scripts/wechat-sim/main.ts`. Reads its settings from the environment, prints one line
 * with its URL, stops on SIGTERM/SIGINT.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePlatformIdentity } from './crypto';
import { startWechatSim, type WechatSimOptions } from './index';
import type { RsaIdentity } from './merchant';

type PersistedPlatform = RsaIdentity & { publicKeyId: string };

function readConfig(env: NodeJS.ProcessEnv): WechatSimOptions {
  const problems: string[] = [];
  const required = (name: string) => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const port = Number(env.WECHAT_SIM_PORT ?? 3900);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push('WECHAT_SIM_PORT must be a port number');
  const appId = required('WECHAT_APP_ID');
  const appSecret = required('WECHAT_APP_SECRET');
  const payVars = ['WECHAT_PAY_MCH_ID', 'WECHAT_PAY_API_V3_KEY', 'WECHAT_PAY_CERT_FILE'] as const;
  const payGiven = payVars.filter((name) => env[name]);
  let pay: WechatSimOptions['pay'];
  if (payGiven.length > 0) {
    for (const name of payVars) required(name);
    const apiV3Key = env.WECHAT_PAY_API_V3_KEY ?? '';
    if (apiV3Key && Buffer.byteLength(apiV3Key) !== 32)
      problems.push('WECHAT_PAY_API_V3_KEY must be 32 bytes');
    const certFile = env.WECHAT_PAY_CERT_FILE ?? '';
    if (certFile && !existsSync(certFile)) problems.push(`WECHAT_PAY_CERT_FILE ${certFile} does not exist`);
    if (problems.length === 0) {
      pay = { mchId: env.WECHAT_PAY_MCH_ID!, apiV3Key, merchantCertPem: readFileSync(certFile, 'utf8') };
    }
  }
  if (problems.length > 0) {
    throw new Error(`wechat-sim: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const wecomKeys = env.WECHAT_SIM_WECOM_KEYS?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return { host: env.WECHAT_SIM_HOST ?? '127.0.0.1', port, appId, appSecret, pay, wecomKeys };
}

/** Keeps the platform key across restarts so that cached platform certificates stay valid. */
function loadOrCreatePlatform(stateDir: string | undefined): PersistedPlatform | undefined {
  if (!stateDir) return undefined;
  const file = join(stateDir, 'platform-identity.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PersistedPlatform;
  const { privateKeyPem, certPem, serialNo, publicKeyId } = generatePlatformIdentity();
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ privateKeyPem, certPem, serialNo, publicKeyId }, null, 2), {
    mode: 0o600,
  });
  return { privateKeyPem, certPem, serialNo, publicKeyId };
}

async function main(): Promise<void> {
  const env = process.env;
  const options = readConfig(env);
  const sim = await startWechatSim({
    ...options,
    platformIdentity: loadOrCreatePlatform(env.WECHAT_SIM_STATE_DIR),
  });
  if (env.WECHAT_SIM_PLATFORM_CERT_OUT) writeFileSync(env.WECHAT_SIM_PLATFORM_CERT_OUT, sim.platform.certPem);
  if (env.WECHAT_SIM_PLATFORM_PUBLIC_KEY_OUT)
    writeFileSync(env.WECHAT_SIM_PLATFORM_PUBLIC_KEY_OUT, sim.platform.publicKeyPem);
  console.log(
    `wechat-sim listening on ${sim.url} (pay ${options.pay ? 'enabled' : 'disabled'}, platform serial ${sim.platform.serialNo})`,
  );
  const stop = (signal: string) => {
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`wechat-sim: error while stopping on ${signal}`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
