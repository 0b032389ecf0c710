import { execFileSync } from 'node:child_process';
import path from 'node:path';
import automator from 'miniprogram-automator';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The customer sign-in of test/e2e, in the real mini-program runtime. It needs WeChat DevTools
 * (macOS/Windows), so it runs only where WECHAT_DEVTOOLS_CLI points at its CLI.
 */
const cliPath = process.env.WECHAT_DEVTOOLS_CLI;
const d = cliPath ? describe : describe.skip;
if (!cliPath) {
  const notice =
    'miniprogram-automator suite NOT RUN: WECHAT_DEVTOOLS_CLI is not set (needs WeChat DevTools, macOS/Windows). The same scenario runs in test/e2e on the H5 build.';
  console.warn(notice);
  // Jest drops the console output of a suite whose tests are all skipped; say it on stderr too.
  process.stderr.write(`${notice}\n`);
}

const CLIENT = path.resolve(__dirname, '../../client');
const WEAPP = path.join(CLIENT, 'dist/weapp');

type MiniProgram = Awaited<ReturnType<typeof automator.launch>>;

d('mini-program sign-in (WeChat DevTools)', () => {
  let system: TestSystem;
  let miniProgram: MiniProgram;

  beforeAll(async () => {
    system = await startTestSystem();
    // The mini-program's API base is fixed at build time: build against this run's API.
    execFileSync('npm', ['run', 'build:weapp'], {
      cwd: CLIENT,
      stdio: 'inherit',
      env: { ...process.env, TARO_APP_API_BASE: `${system.baseUrl}/api/v1` },
    });
    miniProgram = await automator.launch({ cliPath, projectPath: WEAPP, trustProject: true });
  }, 300_000);

  afterAll(async () => {
    await miniProgram?.close();
    await system?.close();
  });

  it('signs a bound customer in with 微信一键登录', async () => {
    const openid = 'o_automator_customer_1';
    await system.seed.customerWithPortal({ openid, customerName: '杭州远景装饰工程有限公司' });
    // DevTools' own wx.login would ask real WeChat; hand it a code the simulator will accept.
    await miniProgram.mockWxMethod('login', { code: system.sim.issueLoginCode(openid), errMsg: 'login:ok' });

    const login = await miniProgram.reLaunch('/pages/login/index');
    if (!login) throw new Error('login page did not open');
    const button = await login.$('#wechat-login');
    if (!button) throw new Error('#wechat-login not found');
    await button.tap();

    let home = await miniProgram.currentPage();
    for (let i = 0; i < 40 && home?.path !== 'pages/home/index'; i += 1) {
      await login.waitFor(250);
      home = await miniProgram.currentPage();
    }
    if (!home || home.path !== 'pages/home/index')
      throw new Error(`expected the home page, got ${home?.path}`);
    await home.waitFor('#customer-name');
    expect(await (await home.$('.home-title'))?.text()).toBe('我的项目');
    expect(await (await home.$('#customer-name'))?.text()).toBe('杭州远景装饰工程有限公司');
  }, 120_000);
});
