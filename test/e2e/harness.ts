import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The browser harness shared by the H5 suites: one test system and one headless Chromium per file,
 * a fresh browser context and page per test, and small helpers for Taro's H5 markup.
 */
export const UI_TIMEOUT = 20_000;

const H5_INDEX = path.resolve(__dirname, '../../client/dist/h5/index.html');
const ARTIFACTS = path.resolve(__dirname, '../.artifacts');
const CHROMIUM = '/usr/bin/chromium';

export interface BrowserOptions {
  /** Wait this long before each screenshot (e.g. for Taro's page transition to come to rest). */
  screenshotSettleMs?: number;
}

export interface H5 {
  /** The test system of this file (set in beforeAll). */
  readonly system: TestSystem;
  /** The page of the current test (set in beforeEach). */
  readonly page: Page;
  /** Taro renders buttons as <taro-button-core>; the element itself takes the click. */
  button(id: string): Locator;
  /** Taro's <taro-input-core> wraps the real <input>. */
  input(id: string): Locator;
  /** Waits until some element of `locator` containing `text` is visible. */
  expectText(locator: Locator, text: string): Promise<void>;
  /** A full-page screenshot of the current page to test/.artifacts/h5-<name>.png. */
  screenshot(name: string): Promise<void>;
  /**
   * A fresh sign-in as a customer through the simulated WeChat login, landing on 我的项目;
   * `subscribeDecision` is how that WeChat user will answer subscribe prompts (platform/h5.ts).
   */
  signInCustomer(openid: string, subscribeDecision?: 'accept' | 'reject'): Promise<void>;
}

/**
 * Registers the jest hooks (call at the top level of a test file) and returns accessors for the
 * system and the current page, and helpers bound to the current page.
 */
export function useBrowser(options: BrowserOptions = {}): H5 {
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

  return {
    get system() {
      return system;
    },
    get page() {
      return page;
    },
    button(id) {
      return page.locator(`taro-button-core#${id}`);
    },
    input(id) {
      return page.locator(`#${id} input`);
    },
    async expectText(locator, text) {
      await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    },
    async screenshot(name) {
      if (options.screenshotSettleMs) await page.waitForTimeout(options.screenshotSettleMs);
      await page.screenshot({ path: path.join(ARTIFACTS, `h5-${name}.png`), fullPage: true });
    },
    async signInCustomer(openid, subscribeDecision) {
      await page.goto(`${system.baseUrl}/#/pages/login/index`);
      await page.evaluate(() => window.localStorage.clear());
      if (subscribeDecision)
        await page.evaluate(
          (d) => window.localStorage.setItem('gantry.sim.subscribeDecision', d),
          subscribeDecision,
        );
      await page.reload();
      await this.button('wechat-sim-entry').click({ timeout: UI_TIMEOUT });
      await this.input('openid-input').fill(openid);
      await this.button('wechat-sim-login').click();
      await this.expectText(page.locator('.home-title'), '我的项目');
    },
  };
}
