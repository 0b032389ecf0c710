import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Sign-in through the real H5 build, served by the real API, with the WeChat simulator standing in
 * for WeChat. The same customer scenario runs in the mini-program suite under test/miniprogram.
 */
const H5_INDEX = path.resolve(__dirname, '../../client/dist/h5/index.html');
const ARTIFACTS = path.resolve(__dirname, '../.artifacts');
const CHROMIUM = '/usr/bin/chromium';
const UI_TIMEOUT = 20_000;

jest.setTimeout(90_000);

let system: TestSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(H5_INDEX)) {
    throw new Error(
      'client/dist/h5/index.html is missing: run `npm run build:h5 -w client` first (`npm test` does it).',
    );
  }
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  system = await startTestSystem();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

beforeEach(async () => {
  // A fresh context per test: no token left in localStorage from the previous one.
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

/** Taro renders buttons as <taro-button-core>; the element itself takes the click. */
function button(id: string): Locator {
  return page.locator(`taro-button-core#${id}`);
}

/** Taro's <taro-input-core> wraps the real <input>. */
function input(id: string): Locator {
  return page.locator(`#${id} input`);
}

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `h5-${name}.png`), fullPage: true });
}

async function openLogin(): Promise<void> {
  await page.goto(`${system.baseUrl}/#/pages/login/index`);
  await button('wechat-sim-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

it('signs a bound customer in through the simulated WeChat login', async () => {
  const openid = 'o_e2e_customer_1';
  await system.seed.customerWithPortal({ openid, customerName: '上海宏达建设有限公司' });

  await openLogin();
  await button('wechat-sim-entry').click();
  await input('openid-input').fill(openid);
  await button('wechat-sim-login').click();

  await expectText(page.locator('.home-title'), '我的项目');
  await expectText(page.locator('#customer-name'), '上海宏达建设有限公司');
  await expectText(page.locator('#current-user'), '客户');
  expect(page.url()).toContain('#/pages/home/index');
  await screenshot('customer-home');
});

it('signs a sales user in with username and password', async () => {
  await system.seed.staff('sales', { username: 'e2e.sales', password: 'Passw0rd!sales', name: '王晓明' });

  await openLogin();
  await button('staff-entry').click();
  await input('username-input').fill('e2e.sales');
  await input('password-input').fill('Passw0rd!sales');
  await button('staff-login').click();

  await expectText(page.locator('.home-title'), '销售工作台');
  await expectText(page.locator('#current-user'), '王晓明');
  await expectText(page.locator('#current-user'), '销售');
  await screenshot('sales-home');

  // Signing out ends the session on the server and returns to the entry page.
  await button('logout').click();
  await button('wechat-sim-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
});

it('shows the server message for a wrong password', async () => {
  await system.seed.staff('finance', {
    username: 'e2e.finance',
    password: 'Passw0rd!finance',
    name: '李会计',
  });

  await openLogin();
  await button('staff-entry').click();
  await input('username-input').fill('e2e.finance');
  await input('password-input').fill('wrong-password');
  await button('staff-login').click();

  await expectText(page.locator('#login-error'), '用户名或密码错误');
  expect(page.url()).toContain('#/pages/login/staff/index');
  await screenshot('staff-login-error');
});

it('sends a new WeChat user to the invite page and into the customer home after binding', async () => {
  const admin = await system.seed.staff('admin', { name: '赵管理' });
  const token = await system.loginStaff(admin.username, admin.password);
  const customer = await system.seed.customer({ name: '苏州新城置业有限公司' });
  const invite = await system.api.post(`/api/v1/customers/${customer.id}/invites`, {}, token);
  expect(invite.status).toBe(201);

  await openLogin();
  await button('wechat-sim-entry').click();
  await input('openid-input').fill('o_e2e_new_customer');
  await button('wechat-sim-login').click();

  await input('invite-input').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(page.url()).toContain('#/pages/bind/index');
  await input('invite-input').fill(invite.body.inviteCode);
  await button('bind-submit').click();

  await expectText(page.locator('.home-title'), '我的项目');
  await expectText(page.locator('#customer-name'), '苏州新城置业有限公司');
});

it('offers no simulated WeChat login where the server names no simulator (production)', async () => {
  const production = await startTestSystem({ overrides: { h5: { wechatBridgeUrl: null } } });
  try {
    const clientConfig = page.waitForResponse((res) => res.url().endsWith('/api/v1/client-config'));
    await page.goto(`${production.baseUrl}/#/pages/login/index`);
    expect((await clientConfig).status()).toBe(200);
    await button('staff-entry').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await page.waitForTimeout(300);
    expect(await button('wechat-sim-entry').count()).toBe(0);
  } finally {
    await production.close();
  }
});
