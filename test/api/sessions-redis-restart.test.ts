import { PrivateRedis } from '../support/private-redis';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Sessions live only in Redis. This file's API uses a redis-server of its own, started with the
 * configuration of scripts/services.sh, and restarts it between sign-in and the next request.
 */
let redis: PrivateRedis;
let sys: TestSystem;

beforeAll(async () => {
  redis = await new PrivateRedis().start();
  sys = await startTestSystem({ overrides: { redis: { url: redis.url } } });
}, 60_000);

afterAll(async () => {
  await sys?.close();
  await redis?.close();
});

async function meAfterReconnect(token: string) {
  // The API's client reconnects on its own; give it a moment instead of failing on the first try.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await sys.api.get('/api/v1/me', token);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('sessions across a Redis restart', () => {
  it('keeps staff and customer sessions signed in after redis-server stops and starts again', async () => {
    const staff = await sys.seed.staff('sales');
    const staffToken = await sys.loginStaff(staff.username, staff.password);
    await sys.seed.customerWithPortal({ openid: 'o_redis_restart', customerName: '重启测试客户' });
    const customerToken = await sys.loginWechat('o_redis_restart');
    expect((await sys.api.get('/api/v1/me', staffToken)).status).toBe(200);

    await redis.restart();

    const staffMe = await meAfterReconnect(staffToken);
    expect({ status: staffMe.status, username: staffMe.body?.user?.username }).toEqual({
      status: 200,
      username: staff.username,
    });
    const customerMe = await meAfterReconnect(customerToken);
    expect(customerMe.status).toBe(200);
    expect(customerMe.body.user.kind).toBe('portal');
  }, 60_000);

  it('still revokes a session on sign-out after the restart', async () => {
    const staff = await sys.seed.staff('pm');
    const token = await sys.loginStaff(staff.username, staff.password);
    await redis.restart();
    expect((await meAfterReconnect(token)).status).toBe(200);
    const out = await sys.api.post('/api/v1/auth/logout', undefined, token);
    expect(out.status).toBeLessThan(300);
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(401);
  }, 60_000);
});
