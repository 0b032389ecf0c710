import type { StaffRole } from '@gantry/shared';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * 员工管理 in the H5 build: an admin sets a PM's manager from the app (and is told, inline, when a
 * choice would close a loop); the server's record is the evidence. Other roles have no such entry.
 */
jest.setTimeout(90_000);

const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, input, expectText, screenshot } = h5;

async function person(role: StaffRole, name: string) {
  const user = await h5.system.seed.staff(role, { name });
  return { ...user, token: await h5.system.loginStaff(user.username, user.password) };
}

async function signIn(user: { username: string; password: string }, homeTitle: string): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await button('staff-entry').click({ timeout: UI_TIMEOUT });
  await input('username-input').fill(user.username);
  await input('password-input').fill(user.password);
  await button('staff-login').click();
  await expectText(h5.page.locator('.home-title'), homeTitle);
}

/** On the edit form: 更换 → search → pick → 保存; answers the PATCH response. */
async function chooseManager(name: string, managerId: string) {
  await button('manager-change').click();
  await input('manager-search').fill(name.slice(0, 2));
  await h5.page.locator(`#manager-option-${managerId}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#manager-current'), name);
  const saved = h5.page.waitForResponse(
    (r) => r.url().includes('/api/v1/admin/users/') && r.request().method() === 'PATCH',
  );
  await button('staff-save').click();
  return saved;
}

it('an admin sets a PM’s manager in 员工管理; a loop is refused inline', async () => {
  const sys = h5.system;
  const admin = await person('admin', '管理员周敏');
  const lead = await person('pm', '交付总监赵强');
  const pm = await person('pm', '项目经理张伟');

  await signIn(admin, '管理后台');
  await h5.page.locator('#staff-admin-entry').click({ timeout: UI_TIMEOUT });
  const row = h5.page.locator(`#staff-item-${pm.id}`);
  await expectText(row, '项目经理张伟');
  await expectText(row, '项目经理');
  await expectText(h5.page.locator(`#staff-manager-${pm.id}`), '上级：无');
  await screenshot('admin-staff-list');

  await row.click();
  await expectText(h5.page.locator('.page-title'), '项目经理张伟');
  const res = await chooseManager('交付总监赵强', lead.id);
  expect(res.status()).toBe(200);
  await screenshot('admin-staff-edit');
  const stored = await sys.api.get(`/api/v1/admin/users/${pm.id}`, admin.token);
  expect(stored.body).toMatchObject({ managerId: lead.id, managerName: '交付总监赵强' });

  // The list shows it too, once back on it.
  await h5.page.goBack();
  await expectText(h5.page.locator(`#staff-manager-${pm.id}`), '交付总监赵强');

  // 赵强 reporting to 张伟 would make them each other's manager.
  await h5.page.locator(`#staff-item-${lead.id}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('.page-title'), '交付总监赵强');
  const loop = await chooseManager('项目经理张伟', pm.id);
  expect(loop.status()).toBe(409);
  await expectText(h5.page.locator('#staff-form-error'), '循环');
  expect((await sys.api.get(`/api/v1/admin/users/${lead.id}`, admin.token)).body.managerId).toBeNull();
});

it('a PM has no 员工管理 entry and the API refuses them', async () => {
  const pm = await person('pm', '项目经理王磊');
  await signIn(pm, '项目经理工作台');
  expect(await h5.page.locator('#staff-admin-entry').count()).toBe(0);
  expect(await h5.page.locator('body').innerText()).not.toContain('员工管理');
  expect((await h5.system.api.get('/api/v1/admin/users', pm.token)).status).toBe(403);
});

it('an admin creates a staff account with a manager from 新建员工', async () => {
  const sys = h5.system;
  const admin = await person('admin', '管理员李娜');
  const lead = await person('sales', '销售总监钱进');
  await signIn(admin, '管理后台');
  await h5.page.locator('#staff-admin-entry').click({ timeout: UI_TIMEOUT });
  await button('staff-new').click({ timeout: UI_TIMEOUT });
  await input('new-staff-username').fill('e2e.new.sales');
  await input('new-staff-password').fill('Passw0rd!new');
  await input('new-staff-name').fill('新销售孙悦');
  await h5.page.locator('#new-staff-role-sales').click();
  await button('manager-change').click();
  await h5.page.locator(`#manager-option-${lead.id}`).click({ timeout: UI_TIMEOUT });
  const created = h5.page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/admin/users') && r.request().method() === 'POST',
  );
  await button('new-staff-submit').click();
  expect((await created).status()).toBe(201);
  await expectText(h5.page.locator('.page-title'), '新销售孙悦');
  await expectText(h5.page.locator('#manager-current'), '销售总监钱进');
  const list = await sys.api.get('/api/v1/admin/users?role=sales', admin.token);
  const stored = list.body.items.find((u: { username: string }) => u.username === 'e2e.new.sales');
  expect(stored).toMatchObject({ name: '新销售孙悦', role: 'sales', active: true, managerId: lead.id });
  // The new account signs in with the initial password.
  expect(await sys.loginStaff('e2e.new.sales', 'Passw0rd!new')).toEqual(expect.any(String));
});

it('an admin resets a forgotten password from the edit page; a weak one is refused inline', async () => {
  const sys = h5.system;
  const admin = await person('admin', '管理员吴芳');
  const engineer = await person('engineer', '现场工程师郑凯');

  await signIn(admin, '管理后台');
  await h5.page.goto(`${sys.baseUrl}/#/pages/admin/edit/index?id=${engineer.id}`);
  await expectText(h5.page.locator('.page-title'), '现场工程师郑凯');
  await input('staff-reset-password').fill('password123');
  await button('staff-reset-password-submit').click();
  await expectText(h5.page.locator('#staff-reset-password-error'), '该密码过于常见');

  await input('staff-reset-password').fill('Scaffold-Check-61');
  const reset = h5.page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/admin/users/${engineer.id}/password`) && r.request().method() === 'POST',
  );
  await button('staff-reset-password-submit').click();
  expect((await reset).status()).toBe(204);
  await screenshot('admin-staff-password-reset');
  // The engineer's old session is over, and the new password must be changed at sign-in.
  expect((await sys.api.get('/api/v1/me', engineer.token)).status).toBe(401);
  const login = await sys.api.post('/api/v1/auth/staff/login', {
    username: engineer.username,
    password: 'Scaffold-Check-61',
  });
  expect(login.body.user.mustChangePassword).toBe(true);
});
