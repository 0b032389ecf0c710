import crypto from 'node:crypto';
import { loadConfig } from '../../server/src/core/config';
import { startTestSystem, type ApiResponse, type TestSystem } from '../support/system';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * This file's API talks to the shared FerretDB and Redis through its own TCP proxies; cutting or
 * silencing a proxy is the outage. The shared services themselves are never touched.
 */
let sys: TestSystem;
let mongoProxy: TcpProxy;
let redisProxy: TcpProxy;
let token: string;

const CJK = /[\u3400-\u9fff]/;
const REQUEST_BOUND_MS = 2500;
const READY_BOUND_MS = 1000;

beforeAll(async () => {
  const shared = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const mongo = new URL(shared.mongodb.uri.replace(/^mongodb/, 'http'));
  const redis = new URL(shared.redis.url.replace(/^redis/, 'http'));
  mongoProxy = await new TcpProxy({ host: mongo.hostname, port: Number(mongo.port) }).start();
  redisProxy = await new TcpProxy({ host: redis.hostname, port: Number(redis.port) }).start();
  const db = `gantry_t_outage_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  // No timeout overrides: the defaults under test are the ones production runs with.
  sys = await startTestSystem({
    overrides: {
      mongodb: { uri: `mongodb://${mongoProxy.url}/${db}` },
      redis: { url: `redis://${redisProxy.url}` },
    },
  });
  const staff = await sys.seed.staff('admin');
  token = await sys.loginStaff(staff.username, staff.password);
}, 60_000);

afterAll(async () => {
  await mongoProxy?.restore();
  await redisProxy?.restore();
  await sys?.close();
  await mongoProxy?.close();
  await redisProxy?.close();
});

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; res: T }> {
  const started = Date.now();
  const res = await call();
  return { ms: Date.now() - started, res };
}

function expectUnavailable({ ms, res }: { ms: number; res: ApiResponse }): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
  });
  expect(res.body.error.message).toMatch(CJK);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(ms).toBeLessThan(REQUEST_BOUND_MS);
}

async function expectNotReady(down: 'database' | 'redis'): Promise<void> {
  const { ms, res } = await timed(() => sys.api.get('/readyz'));
  expect(res.status).toBe(503);
  expect(res.body.checks[down]).toBe('down');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(ms).toBeLessThan(READY_BOUND_MS);
  expect((await sys.api.get('/healthz')).status).toBe(200);
}

/** After the outage the same token works again, without restarting the API. */
async function expectRecovered(): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: ApiResponse | undefined;
  while (Date.now() < deadline) {
    last = await sys.api.get('/api/v1/customers', token);
    const ready = await sys.api.get('/readyz');
    if (last.status === 200 && ready.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not recovered: ${last?.status} ${JSON.stringify(last?.body)}`);
}

describe.each(['cut', 'blackhole'] as const)('MongoDB %s', (mode) => {
  it('answers 503 with Retry-After within the bound, /readyz within 1 s, then recovers', async () => {
    expect((await sys.api.get('/api/v1/customers', token)).status).toBe(200);
    if (mode === 'cut') await mongoProxy.cut();
    else mongoProxy.blackhole();

    expectUnavailable(await timed(() => sys.api.get('/api/v1/customers', token)));
    expectUnavailable(
      await timed(() => sys.api.post('/api/v1/customers', { name: '停机客户', type: 'individual' }, token)),
    );
    await expectNotReady('database');

    await mongoProxy.restore();
    await expectRecovered();
  }, 60_000);
});

describe.each(['cut', 'blackhole'] as const)('Redis %s', (mode) => {
  it('answers 503 with Retry-After within the bound, /readyz within 1 s, then recovers', async () => {
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(200);
    if (mode === 'cut') await redisProxy.cut();
    else redisProxy.blackhole();

    expectUnavailable(await timed(() => sys.api.get('/api/v1/me', token)));
    expectUnavailable(
      await timed(() => sys.api.post('/api/v1/auth/staff/login', { username: 'x', password: 'y' })),
    );
    await expectNotReady('redis');

    await redisProxy.restore();
    await expectRecovered();
  }, 60_000);
});
