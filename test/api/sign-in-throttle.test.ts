import { startTestSystem, type ApiResponse, type TestSystem } from '../support/system';

/**
 * Sign-in throttling against the real API. Small thresholds and a 1 s base keep the waits short;
 * the client IP comes from X-Forwarded-For (trustProxy), as it does behind the production proxy.
 */
let sys: TestSystem;

const signIn = {
  pairFreeFailures: 3,
  ipFreeFailures: 1000,
  usernameFreeFailures: 8,
  backoffBaseSeconds: 1,
  backoffMaxSeconds: 2,
  windowSeconds: 60,
  deviceTtlSeconds: 3600,
};

beforeAll(async () => {
  sys = await startTestSystem({ overrides: { http: { trustProxy: true }, auth: { signIn } } });
});
afterAll(async () => {
  await sys?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function login(ip: string, username: string, password: string, deviceToken?: string): Promise<ApiResponse> {
  return sys.api.request('POST', '/api/v1/auth/staff/login', {
    headers: { 'x-forwarded-for': ip },
    body: { username, password, ...(deviceToken ? { deviceToken } : {}) },
  });
}

function expectThrottled(res: ApiResponse, seconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('SIGN_IN_THROTTLED');
  expect(res.headers.get('retry-after')).toBe(String(seconds));
  expect(res.body.error.details.retryAfterSeconds).toBe(seconds);
  expect(res.body.error.message).toBe(`登录失败次数过多，请 ${seconds} 秒后再试`);
}

describe('per (username, IP) backoff', () => {
  it('makes the same pair wait 1 s, then 2 s (the cap), while other IPs and usernames go on; the right password then works', async () => {
    const user = await sys.seed.staff('sales', { username: 'pair.user' });
    const other = await sys.seed.staff('sales', { username: 'pair.neighbour' });
    const ip = '203.0.113.10';
    for (let i = 0; i < signIn.pairFreeFailures; i += 1) {
      expect((await login(ip, 'pair.user', `wrong-${i}-password`)).status).toBe(401);
    }
    // Even the right password waits: the pair is throttled before any password is checked.
    expectThrottled(await login(ip, 'pair.user', user.password), 1);
    // Only this pair: the same user from another IP, and another user from this IP, are not slowed.
    expect((await login('203.0.113.11', 'pair.user', user.password)).status).toBe(200);
    expect((await login(ip, 'pair.neighbour', other.password)).status).toBe(200);

    await sleep(1100);
    expect((await login(ip, 'PAIR.USER', 'wrong-again-password')).status).toBe(401);
    expectThrottled(await login(ip, 'pair.user', user.password), 2);
    await sleep(2100);
    expect((await login(ip, 'ｐａｉｒ．ｕｓｅｒ', 'wrong-once-more')).status).toBe(401);
    expectThrottled(await login(ip, 'pair.user', user.password), 2);
    await sleep(2100);

    // Five wrong passwords in a row locked the account for 15 minutes before; now the wait is over.
    const ok = await login(ip, 'pair.user', user.password);
    expect(ok.status).toBe(200);
    expect(ok.body.user.username).toBe('pair.user');
    // A success starts the pair afresh: the next wrong password is a plain 401 again.
    expect((await login(ip, 'pair.user', 'wrong-after-success')).status).toBe(401);
    expect((await login(ip, 'pair.user', user.password)).status).toBe(200);
  }, 20_000);

  it('answers an unknown username exactly like a known one', async () => {
    await sys.seed.staff('pm', { username: 'real.pm' });
    const ip = '203.0.113.20';
    const answers = async (username: string) => {
      const out: Array<[number, string]> = [];
      for (let i = 0; i <= signIn.pairFreeFailures; i += 1) {
        const res = await login(ip, username, `wrong-${i}-password`);
        out.push([res.status, res.body.error.code]);
      }
      return out;
    };
    expect(await answers('ghost.pm')).toEqual(await answers('real.pm'));
  });
});

describe('an attack on one username from many IPs', () => {
  // A wait longer than the whole scenario: what is checked below happens inside one backoff.
  let attacked: TestSystem;
  beforeAll(async () => {
    attacked = await startTestSystem({
      overrides: {
        http: { trustProxy: true },
        auth: { signIn: { ...signIn, ipFreeFailures: 6, backoffBaseSeconds: 30, backoffMaxSeconds: 60 } },
      },
    });
  });
  afterAll(async () => {
    await attacked?.close();
  });

  it('slows strangers but not the owner’s known device, and tells the admins once', async () => {
    const { api, seed, server } = attacked;
    const at = (ip: string, username: string, password: string, deviceToken?: string) =>
      api.request('POST', '/api/v1/auth/staff/login', {
        headers: { 'x-forwarded-for': ip },
        body: { username, password, ...(deviceToken ? { deviceToken } : {}) },
      });
    const admin = await seed.staff('admin', { username: 'watch.admin' });
    const target = await seed.staff('finance', { username: 'target.fin', name: '钱会计' });
    const home = '198.51.100.7';
    const first = await at(home, 'target.fin', target.password);
    expect(first.status).toBe(200);
    const deviceToken = first.body.deviceToken as string;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const adminSession = await at('198.51.100.8', 'watch.admin', admin.password);

    // Two wrong passwords from each of twelve IPs: no pair reaches its own threshold, but the
    // username does after eight, and from then on every new client is told to wait.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      for (let j = 0; j < 2; j += 1) {
        statuses.push((await at(`192.0.2.${i + 1}`, 'target.fin', `guess-${i}-${j}-xx`)).status);
      }
    }
    const free = signIn.usernameFreeFailures;
    expect(statuses).toEqual([...Array(free).fill(401), ...Array(24 - free).fill(429)]);

    // A client that never signed in to the account waits, even with the right password…
    const stranger = await at('192.0.2.200', 'target.fin', target.password);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error.code).toBe('SIGN_IN_THROTTLED');
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    // …and so does a made-up device token, or another user's real one.
    expect((await at('192.0.2.201', 'target.fin', target.password, 'A'.repeat(43))).status).toBe(429);
    const borrowed = await at('192.0.2.203', 'target.fin', target.password, adminSession.body.deviceToken);
    expect(borrowed.status).toBe(429);

    // The owner's own device gets in at once, at home and from a new network alike.
    const owner = await at(home, 'target.fin', target.password, deviceToken);
    expect(owner.status).toBe(200);
    expect(owner.body.deviceToken).toBe(deviceToken);
    const travelling = await at('100.64.9.9', 'target.fin', target.password, deviceToken);
    expect(travelling.status).toBe(200);
    expect((await api.get('/api/v1/me', travelling.body.token)).body.user.username).toBe('target.fin');

    // A typo on the known device still counts, past the threshold, and tells the admins nothing new;
    // and the device stays subject to its own pair: guessing from it is slowed like from anywhere.
    for (let i = 0; i < signIn.pairFreeFailures; i += 1) {
      expect((await at(home, 'target.fin', `typo-${i}-on-known-device`, deviceToken)).status).toBe(401);
    }
    expect((await at(home, 'target.fin', target.password, deviceToken)).status).toBe(429);
    const audit = await server.container.audit.forResource('staff_user', target.id);
    const throttled = audit.filter((a) => a.action === 'staff.sign_in_throttled');
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ after: { failures: free } });
    expect(audit.map((a) => a.action)).not.toContain('staff.locked');

    await server.container.outboxWorker.drain();
    const inbox = await api.get('/api/v1/notifications', adminSession.body.token);
    expect(inbox.status).toBe(200);
    const notices = inbox.body.items.filter((n: { title: string }) => n.title === '账号登录异常');
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain('target.fin（钱会计）');
    expect(notices[0].body).toContain(`${free} 次`);
    // The notice is for admins: the finance user under attack does not get it.
    const ownInbox = await api.get('/api/v1/notifications', owner.body.token);
    expect(ownInbox.body.items.filter((n: { title: string }) => n.title === '账号登录异常')).toHaveLength(0);
  });

  it('slows one IP spraying many usernames, and only that IP', async () => {
    const { api, seed } = attacked;
    const at = (ip: string, username: string, password: string) =>
      api.request('POST', '/api/v1/auth/staff/login', {
        headers: { 'x-forwarded-for': ip },
        body: { username, password },
      });
    const victim = await seed.staff('service', { username: 'spray.victim' });
    const spray = '233.252.0.9';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await at(spray, `spray.user${i}`, 'Password2026!')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    expect((await at(spray, 'spray.victim', victim.password)).status).toBe(429);
    expect((await at('233.252.0.10', 'spray.victim', victim.password)).status).toBe(200);
  });
});
