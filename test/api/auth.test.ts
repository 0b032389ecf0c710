import { startTestSystem, TEST_PASSWORD, type TestSystem } from '../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

describe('staff sign-in', () => {
  it('returns a token and the user, and the token opens /me', async () => {
    const staff = await sys.seed.staff('sales', { username: 'li.na', name: '李娜' });
    const res = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'li.na',
      password: staff.password,
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ kind: 'staff', role: 'sales', name: '李娜', username: 'li.na' });
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await sys.api.get('/api/v1/me', res.body.token);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(staff.id);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    await sys.seed.staff('pm', { username: 'wang.pm' });
    const wrong = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'wang.pm',
      password: 'not-the-password',
    });
    const unknown = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'nobody.here',
      password: 'whatever1',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('makes the same client wait seconds after repeated failures instead of locking the account', async () => {
    const staff = await sys.seed.staff('finance', { username: 'zhao.fin' });
    const free = sys.config.auth.signIn.pairFreeFailures;
    for (let i = 0; i < free; i += 1) {
      const res = await sys.api.post('/api/v1/auth/staff/login', {
        username: 'zhao.fin',
        password: `wrong-${i}-xx`,
      });
      expect(res.status).toBe(401);
    }
    const waiting = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'zhao.fin',
      password: staff.password,
    });
    expect(waiting.status).toBe(429);
    expect(waiting.body.error.code).toBe('SIGN_IN_THROTTLED');
    expect(waiting.headers.get('retry-after')).toBe(String(sys.config.auth.signIn.backoffBaseSeconds));
    await new Promise((resolve) =>
      setTimeout(resolve, sys.config.auth.signIn.backoffBaseSeconds * 1000 + 100),
    );
    const ok = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'zhao.fin',
      password: staff.password,
    });
    expect(ok.status).toBe(200);
  });
});

describe('tokens', () => {
  it('answers 401 UNAUTHENTICATED without a token and TOKEN_INVALID for a forged one', async () => {
    const none = await sys.api.get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await sys.api.get('/api/v1/me', 'A'.repeat(43));
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('TOKEN_INVALID');
    const garbage = await sys.api.request('GET', '/api/v1/me', {
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    });
    expect(garbage.status).toBe(401);
  });

  it('logout revokes the token at once', async () => {
    const staff = await sys.seed.staff('service');
    const token = await sys.loginStaff(staff.username, staff.password);
    expect((await sys.api.post('/api/v1/auth/logout', undefined, token)).status).toBe(204);
    const after = await sys.api.get('/api/v1/me', token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('WeChat sign-in and invite binding', () => {
  it('creates an unbound portal account on first sign-in and reuses it on the next', async () => {
    const first = await sys.api.post('/api/v1/auth/wechat/login', {
      code: sys.sim.issueLoginCode('o_new_user_1'),
    });
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({
      kind: 'portal',
      role: 'customer',
      customerId: null,
      customerName: null,
    });
    const second = await sys.api.post('/api/v1/auth/wechat/login', {
      code: sys.sim.issueLoginCode('o_new_user_1'),
    });
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(await sys.server.container.models.portalAccounts.countDocuments({ openid: 'o_new_user_1' })).toBe(
      1,
    );
  });

  it('refuses a used or unknown code with 401 WECHAT_CODE_INVALID', async () => {
    const code = sys.sim.issueLoginCode('o_code_reuse');
    expect((await sys.api.post('/api/v1/auth/wechat/login', { code })).status).toBe(200);
    const reused = await sys.api.post('/api/v1/auth/wechat/login', { code });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('WECHAT_CODE_INVALID');
    const unknown = await sys.api.post('/api/v1/auth/wechat/login', { code: 'never-issued-code' });
    expect(unknown.body.error.code).toBe('WECHAT_CODE_INVALID');
  });

  it('binds an account with a single-use invite from the owning salesperson', async () => {
    const sales = await sys.seed.staff('sales');
    const customer = await sys.seed.customer({
      name: '华建置业有限公司',
      ownerId: sales.id,
      type: 'developer',
    });
    const salesToken = await sys.loginStaff(sales.username, sales.password);
    const invite = await sys.api.post(`/api/v1/customers/${customer.id}/invites`, undefined, salesToken);
    expect(invite.status).toBe(201);
    expect(invite.body.inviteCode).toMatch(/^[A-Z2-9]{8}$/);
    expect(invite.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);

    const token = await sys.loginWechat('o_bind_owner');
    const bound = await sys.api.post(
      '/api/v1/auth/wechat/bind',
      { inviteCode: invite.body.inviteCode.toLowerCase() },
      token,
    );
    expect(bound.status).toBe(200);
    expect(bound.body.user).toMatchObject({ customerId: customer.id, customerName: '华建置业有限公司' });
    const me = await sys.api.get('/api/v1/me', token);
    expect(me.body.user.customerName).toBe('华建置业有限公司');

    const otherToken = await sys.loginWechat('o_bind_second');
    const again = await sys.api.post(
      '/api/v1/auth/wechat/bind',
      { inviteCode: invite.body.inviteCode },
      otherToken,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVITE_USED');
    const stillUnbound = await sys.api.get('/api/v1/me', otherToken);
    expect(stillUnbound.body.user.customerId).toBeNull();

    const audit = await sys.server.container.audit.forResource('customer', customer.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['invite.created', 'portal_account.bound']);
  });

  it('refuses an unknown invite code, a malformed one, and a second binding of the same account', async () => {
    const token = await sys.loginWechat('o_bind_errors');
    const unknown = await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: 'ZZZZZZZZ' }, token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('INVITE_INVALID');
    const malformed = await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: 'x' }, token);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.fields[0].path).toBe('body.inviteCode');

    const admin = await sys.seed.staff('admin');
    const adminToken = await sys.loginStaff(admin.username, admin.password);
    const c1 = await sys.seed.customer();
    const c2 = await sys.seed.customer();
    const i1 = await sys.api.post(`/api/v1/customers/${c1.id}/invites`, undefined, adminToken);
    const i2 = await sys.api.post(`/api/v1/customers/${c2.id}/invites`, undefined, adminToken);
    expect(
      (await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: i1.body.inviteCode }, token)).status,
    ).toBe(200);
    const second = await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: i2.body.inviteCode }, token);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ALREADY_BOUND');
    // the refused bind consumed nothing: the second invite still works for someone else
    const other = await sys.loginWechat('o_bind_errors_2');
    expect(
      (await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: i2.body.inviteCode }, other)).status,
    ).toBe(200);
  });

  it('refuses an expired invite', async () => {
    const admin = await sys.seed.staff('admin');
    const adminToken = await sys.loginStaff(admin.username, admin.password);
    const c = await sys.seed.customer();
    const invite = await sys.api.post(`/api/v1/customers/${c.id}/invites`, undefined, adminToken);
    await sys.server.container.models.invites.updateOne(
      { code: invite.body.inviteCode },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    const token = await sys.loginWechat('o_bind_expired');
    const res = await sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: invite.body.inviteCode }, token);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('INVITE_INVALID');
  });

  it("hides another salesperson's customer behind 404 and refuses invites from roles that cannot change customers", async () => {
    const owner = await sys.seed.staff('sales');
    const rival = await sys.seed.staff('sales');
    const engineer = await sys.seed.staff('engineer');
    const finance = await sys.seed.staff('finance');
    const customer = await sys.seed.customer({ ownerId: owner.id });
    const rivalRes = await sys.api.post(
      `/api/v1/customers/${customer.id}/invites`,
      undefined,
      await sys.loginStaff(rival.username, rival.password),
    );
    const missing = await sys.api.post(
      '/api/v1/customers/0123456789abcdef01234567/invites',
      undefined,
      await sys.loginStaff(rival.username, rival.password),
    );
    expect(rivalRes.status).toBe(404);
    expect(rivalRes.body).toEqual(missing.body);
    const engRes = await sys.api.post(
      `/api/v1/customers/${customer.id}/invites`,
      undefined,
      await sys.loginStaff(engineer.username, engineer.password),
    );
    expect(engRes.status).toBe(404);
    const finRes = await sys.api.post(
      `/api/v1/customers/${customer.id}/invites`,
      undefined,
      await sys.loginStaff(finance.username, finance.password),
    );
    expect(finRes.status).toBe(403);
    const customerToken = await sys.loginWechat('o_cannot_invite');
    expect(
      (await sys.api.post(`/api/v1/customers/${customer.id}/invites`, undefined, customerToken)).status,
    ).toBe(403);
    expect(await sys.server.container.models.invites.countDocuments({ customerId: customer.id })).toBe(0);
  });
});

describe('staff administration', () => {
  let adminToken: string;
  beforeAll(async () => {
    const admin = await sys.seed.staff('admin', { username: 'root.admin' });
    adminToken = await sys.loginStaff(admin.username, admin.password);
  });

  it('creates staff with a hashed password and refuses a duplicate username', async () => {
    const body = {
      username: 'chen.eng',
      password: TEST_PASSWORD,
      name: '陈工',
      role: 'engineer',
      phone: '13912345678',
    };
    const created = await sys.api.post('/api/v1/admin/users', body, adminToken);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'chen.eng',
      role: 'engineer',
      active: true,
      phone: '13912345678',
    });
    expect(created.body.passwordHash).toBeUndefined();
    const stored = await sys.server.container.models.staffUsers.findOne({ username: 'chen.eng' }).lean();
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    const dup = await sys.api.post('/api/v1/admin/users', body, adminToken);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE');
    expect(await sys.server.container.models.staffUsers.countDocuments({ username: 'chen.eng' })).toBe(1);
  });

  it('lists staff with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) await sys.seed.staff('service');
    const first = await sys.api.get('/api/v1/admin/users?role=service&limit=2', adminToken);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await sys.api.get(
      `/api/v1/admin/users?role=service&limit=2&cursor=${first.body.nextCursor}`,
      adminToken,
    );
    const ids = [...first.body.items, ...rest.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(rest.body.items.every((u: { role: string }) => u.role === 'service')).toBe(true);
  });

  it('deactivation stops the user’s tokens at once and blocks sign-in', async () => {
    const user = await sys.seed.staff('pm');
    const token = await sys.loginStaff(user.username, user.password);
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(200);
    const res = await sys.api.request('PATCH', `/api/v1/admin/users/${user.id}`, {
      token: adminToken,
      body: { active: false },
    });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(401);
    const login = await sys.api.post('/api/v1/auth/staff/login', {
      username: user.username,
      password: user.password,
    });
    expect(login.status).toBe(401);
    const audit = await sys.server.container.audit.forResource('staff_user', user.id);
    expect(audit[0]).toMatchObject({
      action: 'staff.updated',
      before: { active: true },
      after: { active: false },
    });
  });

  it('a role change revokes old tokens so the new role applies', async () => {
    const user = await sys.seed.staff('sales');
    const token = await sys.loginStaff(user.username, user.password);
    await sys.api.request('PATCH', `/api/v1/admin/users/${user.id}`, {
      token: adminToken,
      body: { role: 'finance' },
    });
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(401);
    const fresh = await sys.loginStaff(user.username, user.password);
    expect((await sys.api.get('/api/v1/me', fresh)).body.user.role).toBe('finance');
  });

  it('is for admins only', async () => {
    const sales = await sys.seed.staff('sales');
    const token = await sys.loginStaff(sales.username, sales.password);
    const res = await sys.api.get('/api/v1/admin/users', token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('validates input field by field and writes nothing on bad input', async () => {
    const res = await sys.api.post(
      '/api/v1/admin/users',
      { username: 'Bad Name', password: 'short', name: '', role: 'wizard', phone: 123, extra: true },
      adminToken,
    );
    expect(res.status).toBe(400);
    const paths = res.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual([
      'body.extra',
      'body.name',
      'body.password',
      'body.phone',
      'body.role',
      'body.username',
    ]);
    expect(await sys.server.container.models.staffUsers.countDocuments({ name: '' })).toBe(0);
  });
});

describe('an invite redeemed by several accounts at once', () => {
  it('binds exactly one of them', async () => {
    const admin = await sys.seed.staff('admin');
    const adminToken = await sys.loginStaff(admin.username, admin.password);
    const c = await sys.seed.customer({ name: '并发绑定测试公司' });
    const invite = await sys.api.post(`/api/v1/customers/${c.id}/invites`, undefined, adminToken);
    const tokens = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => sys.loginWechat(`o_race_${i}`)));
    const results = await Promise.all(
      tokens.map((t) => sys.api.post('/api/v1/auth/wechat/bind', { inviteCode: invite.body.inviteCode }, t)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect(await sys.server.container.models.portalAccounts.countDocuments({ customerId: c.id })).toBe(1);
  });
});
