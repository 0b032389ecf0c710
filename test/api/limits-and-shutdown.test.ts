import { startTestSystem, type TestSystem } from '../support/system';

describe('rate limits (Redis, shared by instances)', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({
      overrides: {
        rateLimit: {
          perIp: { points: 8, durationSeconds: 60 },
          perAccount: { points: 3, durationSeconds: 60 },
          login: { points: 4, durationSeconds: 60 },
        },
      },
    });
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('limits sign-in attempts per IP, then every request per IP, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push(
        (await sys.api.post('/api/v1/auth/staff/login', { username: 'x', password: 'y' })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const limited = await sys.api.post('/api/v1/auth/staff/login', { username: 'x', password: 'y' });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // health checks are never limited
    expect((await sys.api.get('/healthz')).status).toBe(200);
  });
});

describe('per-account limit', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({
      overrides: { rateLimit: { perAccount: { points: 3, durationSeconds: 60 } } },
    });
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('limits one account however many addresses it uses', async () => {
    const staff = await sys.seed.staff('sales');
    const token = await sys.loginStaff(staff.username, staff.password);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await sys.api.get('/api/v1/me', token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new connections, then closes', async () => {
    const sys = await startTestSystem();
    sys.sim.injectFault({ endpoint: 'jscode2session', delayMs: 800, times: 1 });
    const inFlight = sys.api.post('/api/v1/auth/wechat/login', {
      code: sys.sim.issueLoginCode('o_shutdown'),
    });
    await new Promise((r) => setTimeout(r, 200));
    const closing = sys.server.close();
    const ready = await sys.api.get('/readyz').then(
      (r) => r.status,
      () => 'refused',
    );
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.user.kind).toBe('portal');
    await closing;
    // after close, nothing listens any more
    await expect(fetch(`${sys.baseUrl}/healthz`)).rejects.toThrow();
    expect(['refused', 503]).toContain(ready);
    await sys.sim.close();
  });
});
