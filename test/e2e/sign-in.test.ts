import { startTestSystem } from '../support/system';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * Sign-in through the real H5 build, served by the real API, with the WeChat simulator standing in
 * for WeChat. The same customer scenario runs in the mini-program suite under test/miniprogram.
 */
jest.setTimeout(90_000);

const h5 = useBrowser();
const { button, input, expectText, screenshot } = h5;

async function openLogin(): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await button('wechat-sim-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

it('signs a bound customer in through the simulated WeChat login', async () => {
  const openid = 'o_e2e_customer_1';
  await h5.system.seed.customerWithPortal({ openid, customerName: '上海宏达建设有限公司' });

  await openLogin();
  await button('wechat-sim-entry').click();
  await input('openid-input').fill(openid);
  await button('wechat-sim-login').click();

  await expectText(h5.page.locator('.home-title'), '我的项目');
  await expectText(h5.page.locator('#customer-name'), '上海宏达建设有限公司');
  await expectText(h5.page.locator('#current-user'), '客户');
  expect(h5.page.url()).toContain('#/pages/home/index');
  await screenshot('customer-home');
});

it('signs a sales user in with username and password', async () => {
  await h5.system.seed.staff('sales', { username: 'e2e.sales', password: 'Passw0rd!sales', name: '王晓明' });

  await openLogin();
  await button('staff-entry').click();
  await input('username-input').fill('e2e.sales');
  await input('password-input').fill('Passw0rd!sales');
  await button('staff-login').click();

  await expectText(h5.page.locator('.home-title'), '销售工作台');
  await expectText(h5.page.locator('#current-user'), '王晓明');
  await expectText(h5.page.locator('#current-user'), '销售');
  await screenshot('sales-home');

  // Signing out ends the session on the server and returns to the entry h5.page.
  await button('logout').click();
  await button('wechat-sim-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
});

it('shows the server message for a wrong password', async () => {
  await h5.system.seed.staff('finance', {
    username: 'e2e.finance',
    password: 'Passw0rd!finance',
    name: '李会计',
  });

  await openLogin();
  await button('staff-entry').click();
  await input('username-input').fill('e2e.finance');
  await input('password-input').fill('wrong-password');
  await button('staff-login').click();

  await expectText(h5.page.locator('#login-error'), '用户名或密码错误');
  expect(h5.page.url()).toContain('#/pages/login/staff/index');
  await screenshot('staff-login-error');
});

it('makes a person with an admin-set password choose their own before anything else', async () => {
  const admin = await h5.system.seed.staff('admin', { name: '孙管理' });
  const adminToken = await h5.system.loginStaff(admin.username, admin.password);
  const created = await h5.system.api.post(
    '/api/v1/admin/users',
    { username: 'e2e.new.pm', password: 'Initial-Site-2026', name: '周项目', role: 'pm' },
    adminToken,
  );
  expect(created.status).toBe(201);

  await openLogin();
  await button('staff-entry').click();
  await input('username-input').fill('e2e.new.pm');
  await input('password-input').fill('Initial-Site-2026');
  await button('staff-login').click();

  await expectText(h5.page.locator('#password-change-required'), '管理员为您设置了初始密码');
  expect(h5.page.url()).toContain('#/pages/login/password/index');
  await input('current-password').fill('Initial-Site-2026');
  await input('new-password').fill('e2e.new.pm-2026');
  await input('confirm-password').fill('e2e.new.pm-2026');
  await button('change-password-submit').click();
  await expectText(h5.page.locator('#change-password-error'), '密码不能包含用户名');
  await screenshot('change-password-refused');

  await input('new-password').fill('Tower-Crane-Blue-8');
  await input('confirm-password').fill('Tower-Crane-Blue-8');
  await button('change-password-submit').click();
  await expectText(h5.page.locator('.home-title'), '项目经理工作台');
  await expectText(h5.page.locator('#current-user'), '周项目');
  await screenshot('pm-home-after-password-change');
  expect(await h5.system.loginStaff('e2e.new.pm', 'Tower-Crane-Blue-8')).toEqual(expect.any(String));
});

it('sends a new WeChat user to the invite page and into the customer home after binding', async () => {
  const admin = await h5.system.seed.staff('admin', { name: '赵管理' });
  const token = await h5.system.loginStaff(admin.username, admin.password);
  const customer = await h5.system.seed.customer({ name: '苏州新城置业有限公司' });
  const invite = await h5.system.api.post(`/api/v1/customers/${customer.id}/invites`, {}, token);
  expect(invite.status).toBe(201);

  await openLogin();
  await button('wechat-sim-entry').click();
  await input('openid-input').fill('o_e2e_new_customer');
  await button('wechat-sim-login').click();

  await input('invite-input').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(h5.page.url()).toContain('#/pages/bind/index');
  await input('invite-input').fill(invite.body.inviteCode);
  await button('bind-submit').click();

  await expectText(h5.page.locator('.home-title'), '我的项目');
  await expectText(h5.page.locator('#customer-name'), '苏州新城置业有限公司');
});

it('offers no simulated WeChat login where the server names no simulator (production)', async () => {
  const production = await startTestSystem({ overrides: { h5: { wechatBridgeUrl: null } } });
  try {
    const clientConfig = h5.page.waitForResponse((res) => res.url().endsWith('/api/v1/client-config'));
    await h5.page.goto(`${production.baseUrl}/#/pages/login/index`);
    expect((await clientConfig).status()).toBe(200);
    await button('staff-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await h5.page.waitForTimeout(300);
    expect(await button('wechat-sim-entry').count()).toBe(0);
  } finally {
    await production.close();
  }
});
