import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from '../support/system';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * The H5 portal and the API docs under the API's Content-Security-Policy, in Chromium: every
 * violation the browser reports (console message or securitypolicyviolation event) fails the test.
 */
jest.setTimeout(90_000);

const h5 = useBrowser();

/** Collects what Chromium reports as blocked by the CSP on `page`, from the first document on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) seen.push(msg.text());
  });
  await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return seen;
}

it('runs the H5 portal (WeChat bridge sign-in included) with no CSP violation', async () => {
  const violations = await watchViolations(h5.page);
  const response = await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'sha256-");

  await h5.system.seed.customerWithPortal({ openid: 'o_csp_customer', customerName: '安全策略测试客户' });
  await h5.signInCustomer('o_csp_customer');
  await h5.expectText(h5.page.locator('#customer-name'), '安全策略测试客户');

  expect(violations).toEqual([]);
});

it('signs staff in and shows their home with no CSP violation', async () => {
  const violations = await watchViolations(h5.page);
  await h5.system.seed.staff('sales', { username: 'csp.sales', name: '李安全' });
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await h5.button('staff-entry').click({ timeout: UI_TIMEOUT });
  await h5.input('username-input').fill('csp.sales');
  await h5.input('password-input').fill(TEST_PASSWORD);
  await h5.button('staff-login').click();
  await h5.expectText(h5.page.locator('.home-title'), '销售工作台');
  await h5.page.waitForLoadState('networkidle');
  expect(violations).toEqual([]);
});

it('renders the API docs page under the same policy', async () => {
  const violations = await watchViolations(h5.page);
  await h5.page.goto(`${h5.system.baseUrl}/docs`);
  await h5.page.locator('.swagger-ui .info .title').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(violations).toEqual([]);
});
