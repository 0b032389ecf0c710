import { startTestSystem, TEST_PASSWORD, type TestSystem } from '../support/system';

/** The password policy on every path that sets a password, and the change an admin-set one forces. */
let sys: TestSystem;
let adminToken: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const admin = await sys.seed.staff('admin', { username: 'pw.admin' });
  adminToken = await sys.loginStaff(admin.username, admin.password);
});
afterAll(async () => {
  await sys?.close();
});

/** Each weak password for the user `wang.wei`, and the reason the form should show. */
const WEAK: Array<[string, string]> = [
  ['12345678', '密码至少 10 个字符'],
  ['Abc!23xyz', '密码至少 10 个字符'],
  ['password123', '该密码过于常见，容易被猜中，请换一个'],
  ['PASSWORD123', '该密码过于常见，容易被猜中，请换一个'],
  ['1234567890', '该密码过于常见，容易被猜中，请换一个'],
  ['wang.wei2026!', '密码不能包含用户名'],
  ['My-WANG.WEI-pass', '密码不能包含用户名'],
  ['ｗａｎｇ．ｗｅｉ-2026', '密码不能包含用户名'],
];

const fieldsOf = (body: { error: { details: { fields: Array<{ path: string; message: string }> } } }) =>
  body.error.details.fields;

describe('weak passwords', () => {
  it.each(WEAK)('refuses %s when an admin creates an account', async (password, reason) => {
    const res = await sys.api.post(
      '/api/v1/admin/users',
      { username: 'wang.wei', password, name: '王伟', role: 'engineer' },
      adminToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body)).toEqual([{ path: 'body.password', message: reason }]);
    expect(await sys.server.container.models.staffUsers.countDocuments({ username: 'wang.wei' })).toBe(0);
  });

  it('refuses them on an admin reset and on a self-service change, and the old password still works', async () => {
    const user = await sys.seed.staff('engineer', { username: 'wang.wei' });
    for (const [password, reason] of WEAK) {
      const reset = await sys.api.post(`/api/v1/admin/users/${user.id}/password`, { password }, adminToken);
      expect([reset.status, fieldsOf(reset.body)]).toEqual([
        400,
        [{ path: 'body.password', message: reason }],
      ]);
    }
    const token = await sys.loginStaff('wang.wei', user.password);
    for (const [newPassword, reason] of WEAK) {
      const change = await sys.api.post(
        '/api/v1/auth/password',
        { currentPassword: user.password, newPassword },
        token,
      );
      expect([change.status, fieldsOf(change.body)]).toEqual([
        400,
        [{ path: 'body.newPassword', message: reason }],
      ]);
    }
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(200);
    expect(await sys.loginStaff('wang.wei', user.password)).toEqual(expect.any(String));
  });

  it('accepts a long, uncommon password without the username', async () => {
    const res = await sys.api.post(
      '/api/v1/admin/users',
      { username: 'li.site', password: '工地-晴天-Crane-42', name: '李工', role: 'engineer' },
      adminToken,
    );
    expect(res.status).toBe(201);
  });
});

describe('a password set by an admin', () => {
  it('must be changed at first sign-in: everything else answers 403 until then', async () => {
    const created = await sys.api.post(
      '/api/v1/admin/users',
      { username: 'new.pm', password: 'Initial-Site-2026', name: '新项目经理', role: 'pm' },
      adminToken,
    );
    expect(created.status).toBe(201);
    const first = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'new.pm',
      password: 'Initial-Site-2026',
    });
    expect(first.status).toBe(200);
    expect(first.body.user.mustChangePassword).toBe(true);
    const token = first.body.token as string;
    for (const path of ['/api/v1/me', '/api/v1/projects', '/api/v1/customers', '/api/v1/notifications']) {
      const res = await sys.api.get(path, token);
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'PASSWORD_CHANGE_REQUIRED']);
      expect(res.body.error.message).toBe('请先修改管理员设置的初始密码');
    }

    const wrong = await sys.api.post(
      '/api/v1/auth/password',
      { currentPassword: 'not-the-initial-one', newPassword: 'My-Own-Choice-77' },
      token,
    );
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'PASSWORD_INCORRECT']);
    const same = await sys.api.post(
      '/api/v1/auth/password',
      { currentPassword: 'Initial-Site-2026', newPassword: 'Initial-Site-2026' },
      token,
    );
    expect([same.status, fieldsOf(same.body)[0]?.message]).toEqual([400, '新密码不能与当前密码相同']);

    const changed = await sys.api.post(
      '/api/v1/auth/password',
      { currentPassword: 'Initial-Site-2026', newPassword: 'My-Own-Choice-77' },
      token,
    );
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ username: 'new.pm', mustChangePassword: false });
    // The admin-set session is over; the fresh one opens everything the role allows.
    expect((await sys.api.get('/api/v1/me', token)).status).toBe(401);
    expect((await sys.api.get('/api/v1/projects', changed.body.token)).status).toBe(200);
    expect((await sys.api.get('/api/v1/me', changed.body.token)).body.user.mustChangePassword).toBe(false);

    const oldPassword = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'new.pm',
      password: 'Initial-Site-2026',
    });
    expect(oldPassword.status).toBe(401);
    const again = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'new.pm',
      password: 'My-Own-Choice-77',
    });
    expect(again.body.user.mustChangePassword).toBe(false);
    const audit = await sys.server.container.audit.forResource('staff_user', created.body.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['staff.created', 'staff.password_changed']);
  });

  it('lets the session sign out before changing', async () => {
    await sys.api.post(
      '/api/v1/admin/users',
      { username: 'leaves.early', password: 'Initial-Site-2026', name: '临时', role: 'service' },
      adminToken,
    );
    const token = await sys.loginStaff('leaves.early', 'Initial-Site-2026');
    expect((await sys.api.post('/api/v1/auth/logout', undefined, token)).status).toBe(204);
    expect((await sys.api.post('/api/v1/auth/password', {}, token)).status).toBe(401);
  });

  it('is set again by an admin reset, which ends the person’s sessions and is audited', async () => {
    const user = await sys.seed.staff('sales', { username: 'forgot.sales' });
    const before = await sys.loginStaff('forgot.sales', user.password);
    const reset = await sys.api.post(
      `/api/v1/admin/users/${user.id}/password`,
      { password: 'Temporary-Key-915' },
      adminToken,
    );
    expect(reset.status).toBe(204);
    expect((await sys.api.get('/api/v1/me', before)).status).toBe(401);
    const oldLogin = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'forgot.sales',
      password: user.password,
    });
    expect(oldLogin.status).toBe(401);
    const fresh = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'forgot.sales',
      password: 'Temporary-Key-915',
    });
    expect(fresh.body.user.mustChangePassword).toBe(true);
    expect((await sys.api.get('/api/v1/customers', fresh.body.token)).status).toBe(403);

    const [entry] = await sys.server.container.audit.forResource('staff_user', user.id);
    expect(entry).toMatchObject({
      action: 'staff.password_reset',
      before: { mustChangePassword: false },
      after: { mustChangePassword: true },
    });
    expect(JSON.stringify(entry)).not.toContain('Temporary-Key-915');
  });

  it('is not for one’s own account, nor for non-admins', async () => {
    const me = (await sys.api.get('/api/v1/me', adminToken)).body.user.id;
    const self = await sys.api.post(
      `/api/v1/admin/users/${me}/password`,
      { password: 'Temporary-Key-915' },
      adminToken,
    );
    expect(self.status).toBe(409);
    const sales = await sys.seed.staff('sales');
    const salesToken = await sys.loginStaff(sales.username, sales.password);
    const other = await sys.api.post(
      `/api/v1/admin/users/${me}/password`,
      { password: 'Temporary-Key-915' },
      salesToken,
    );
    expect(other.status).toBe(403);
    expect(await sys.loginStaff('pw.admin', TEST_PASSWORD)).toEqual(expect.any(String));
  });
});

describe('changing one’s own password', () => {
  it('ends every other session of the person and leaves seeded accounts free of the must-change mark', async () => {
    const user = await sys.seed.staff('finance', { username: 'two.devices' });
    const laptop = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'two.devices',
      password: user.password,
    });
    expect(laptop.body.user.mustChangePassword).toBe(false);
    const phone = await sys.loginStaff('two.devices', user.password);
    const changed = await sys.api.post(
      '/api/v1/auth/password',
      { currentPassword: user.password, newPassword: 'Ledger-Night-Owl-3' },
      laptop.body.token,
    );
    expect(changed.status).toBe(200);
    expect((await sys.api.get('/api/v1/me', phone)).status).toBe(401);
    expect((await sys.api.get('/api/v1/me', laptop.body.token)).status).toBe(401);
    expect((await sys.api.get('/api/v1/me', changed.body.token)).status).toBe(200);
    expect(await sys.loginStaff('two.devices', 'Ledger-Night-Owl-3')).toEqual(expect.any(String));
  });

  it('is for staff only', async () => {
    const token = await sys.loginWechat('o_pw_customer');
    const res = await sys.api.post(
      '/api/v1/auth/password',
      { currentPassword: 'x', newPassword: 'Whatever-Long-99' },
      token,
    );
    expect(res.status).toBe(403);
  });
});
