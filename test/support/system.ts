import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { CustomerTier, CustomerType, StaffRole } from '@gantry/shared';
import { deepMerge, loadConfig, type AppConfig } from '../../server/src/core/config';
import { createLogger } from '../../server/src/core/logger';
import { startServer, type RunningServer } from '../../server/src/server';
import {
  generateMerchantIdentity,
  startWechatSim,
  type RsaIdentity,
  type WechatSim,
} from '../../scripts/wechat-sim';
import { createServer } from 'node:net';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  request<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  get<T = any>(path: string, token?: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, token?: string): Promise<ApiResponse<T>>;
}

export interface TestSystem {
  baseUrl: string;
  config: Readonly<AppConfig>;
  server: RunningServer;
  sim: WechatSim;
  api: ApiClient;
  seed: ReturnType<typeof seeders>;
  /** Signs in through the real endpoints; returns the token. */
  loginStaff(username: string, password: string): Promise<string>;
  loginWechat(openid: string): Promise<string>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'Passw0rd!test';

/**
 * A whole Gantry for one test file: its own database on the shared embedded server, its own Redis key
 * prefix, its own WeChat simulator, and the real API listening on an ephemeral loopback port.
 */
export async function startTestSystem(
  opts: { overrides?: Record<string, unknown> } = {},
): Promise<TestSystem> {
  const tag = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const appId = 'wxtestgantry00001';
  const appSecret = 'test-app-secret-not-for-production';
  const pay = testMerchant();
  const sim = await startWechatSim({
    appId,
    appSecret,
    pay: { mchId: pay.mchId, apiV3Key: pay.apiV3Key, merchantCertPem: pay.identity.certPem },
  });
  // A known port before the app starts: WeChat Pay notifications are posted to publicUrl.
  const port = await freePort();
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const dbUri = base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_t_${tag}$1`);
  const config = loadConfig({
    env: { NODE_ENV: 'test' },
    overrides: deepMerge(
      {
        http: { port, publicUrl: `http://127.0.0.1:${port}` },
        mongodb: { uri: dbUri },
        redis: { keyPrefix: `gantry_t_${tag}:` },
        wechat: { appId, appSecret, apiBaseUrl: sim.url, wecomBaseUrl: sim.url },
        h5: { wechatBridgeUrl: sim.url },
        payments: {
          wechatPay: {
            mchId: pay.mchId,
            apiV3Key: pay.apiV3Key,
            privateKeyPem: pay.identity.privateKeyPem,
            certPem: pay.identity.certPem,
            platformPublicKeyId: sim.platform.publicKeyId,
            platformPublicKeyPem: sim.platform.publicKeyPem,
            baseUrl: sim.url,
          },
        },
      },
      opts.overrides ?? {},
    ),
  });
  const server = await startServer(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const api = apiClient(server.url);
  const seed = seeders(server);

  return {
    baseUrl: server.url,
    config,
    server,
    sim,
    api,
    seed,
    async loginStaff(username, password) {
      const res = await api.post('/api/v1/auth/staff/login', { username, password });
      if (res.status !== 200)
        throw new Error(`staff login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async loginWechat(openid) {
      const res = await api.post('/api/v1/auth/wechat/login', { code: sim.issueLoginCode(openid) });
      if (res.status !== 200)
        throw new Error(`wechat login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async close() {
      await server.container.conn.dropDatabase().catch(() => undefined);
      await server.close();
      await dropRedisPrefix(config.redis.url, config.redis.keyPrefix);
      await sim.close();
    },
  };
}

/** One merchant identity per test process (an RSA key and an openssl certificate take a moment). */
let merchant: { mchId: string; apiV3Key: string; identity: RsaIdentity } | undefined;
function testMerchant() {
  merchant ??= {
    mchId: '1900000109',
    apiV3Key: crypto.randomBytes(16).toString('hex'),
    identity: generateMerchantIdentity(),
  };
  return merchant;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function apiClient(baseUrl: string): ApiClient {
  const request: ApiClient['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return {
    request,
    get: (path, token) => request('GET', path, { token }),
    post: (path, body, token) => request('POST', path, { body, token }),
  };
}

/** Data factories that go through the real services and models. */
function seeders(server: RunningServer) {
  const { services, models } = server.container;
  return {
    async staff(role: StaffRole, fields: { username?: string; password?: string; name?: string } = {}) {
      const username = fields.username ?? `${role}_${crypto.randomBytes(3).toString('hex')}`;
      const password = fields.password ?? TEST_PASSWORD;
      const user = await services.staffAdmin.create(null, {
        username,
        password,
        name: fields.name ?? `测试${role}`,
        role,
      });
      return { ...user, password };
    },
    async customer(
      fields: { name?: string; type?: CustomerType; ownerId?: string | null; tier?: CustomerTier } = {},
    ) {
      const doc = await models.customers.create({
        name: fields.name ?? `测试客户${crypto.randomBytes(2).toString('hex')}`,
        type: fields.type ?? 'private_company',
        ownerId: fields.ownerId ? new Types.ObjectId(fields.ownerId) : null,
        tier: fields.tier ?? 'regular',
      });
      return { id: String(doc._id), name: doc.name };
    },
    /** A customer and a portal account bound to it (as if the invite had been redeemed). */
    async customerWithPortal(fields: { openid: string; customerName: string; ownerId?: string | null }) {
      const customer = await this.customer({ name: fields.customerName, ownerId: fields.ownerId ?? null });
      await models.portalAccounts.create({
        openid: fields.openid,
        customerId: new Types.ObjectId(customer.id),
        boundAt: new Date(),
        lastLoginAt: new Date(),
      });
      return { customer, openid: fields.openid };
    },
  };
}

async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
