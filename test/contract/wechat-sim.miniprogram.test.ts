import { startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import { getJson, postJson, sleep } from './wechat-sim.support';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'sim-secret-0123456789abcdef';

describe('wechat-sim mini-program APIs', () => {
  let sim: WechatSim;
  let shortLived: WechatSim;

  beforeAll(async () => {
    sim = await startWechatSim({ appId: APP_ID, appSecret: APP_SECRET });
    shortLived = await startWechatSim({
      appId: APP_ID,
      appSecret: APP_SECRET,
      codeTtlSeconds: 0.3,
      tokenTtlSeconds: 0.3,
    });
  });
  afterAll(async () => {
    await sim.close();
    await shortLived.close();
  });

  const session = (base: WechatSim, code: string, overrides: Record<string, string> = {}) => {
    const q = new URLSearchParams({
      appid: APP_ID,
      secret: APP_SECRET,
      js_code: code,
      grant_type: 'authorization_code',
      ...overrides,
    });
    return getJson(`${base.url}/sns/jscode2session?${q}`);
  };
  const stableToken = (base: WechatSim, extra: Record<string, unknown> = {}) =>
    postJson(`${base.url}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: APP_ID,
      secret: APP_SECRET,
      ...extra,
    });
  const send = (base: WechatSim, token: string, body: Record<string, unknown>) =>
    postJson(`${base.url}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, body);
  const message = (openid: string, data: Record<string, string>, templateId = 'TPL_MILESTONE') => ({
    touser: openid,
    template_id: templateId,
    page: 'pages/project/index?id=1',
    miniprogram_state: 'developer',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { value: v }])),
  });

  test('the URL is on 127.0.0.1 and health answers', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await getJson(`${sim.url}/__sim/health`)).toEqual({ ok: true });
  });

  describe('jscode2session', () => {
    test('a code maps to its openid and unionid once; the second use is 40029', async () => {
      const code = sim.issueLoginCode('o_alice', { unionid: 'u_alice' });
      const first = await session(sim, code);
      expect(first).toEqual({ openid: 'o_alice', unionid: 'u_alice', session_key: expect.any(String) });
      expect(Buffer.from(first.session_key, 'base64')).toHaveLength(16);
      expect(await session(sim, code)).toEqual({ errcode: 40029, errmsg: 'invalid code' });
    });

    test('codes issued over the control API work too and carry no unionid unless given', async () => {
      const { code } = await postJson(`${sim.url}/__sim/login-code`, { openid: 'o_bob' });
      const body = await session(sim, code);
      expect(body.openid).toBe('o_bob');
      expect(body).not.toHaveProperty('unionid');
    });

    test('unknown codes, wrong appid and wrong secret are rejected with their errcodes', async () => {
      expect((await session(sim, 'never-issued')).errcode).toBe(40029);
      const code = sim.issueLoginCode('o_carol');
      expect((await session(sim, code, { appid: 'wx_other' })).errcode).toBe(40013);
      expect((await session(sim, code, { secret: 'wrong' })).errcode).toBe(40125);
      expect((await session(sim, code)).openid).toBe('o_carol'); // rejected credentials did not burn the code
    });

    test('codes expire', async () => {
      const code = shortLived.issueLoginCode('o_late');
      await sleep(450);
      expect((await session(shortLived, code)).errcode).toBe(40029);
    });
  });

  describe('access tokens', () => {
    test('stable_token returns the same valid token until force_refresh, which revokes the old one', async () => {
      const a = await stableToken(sim);
      expect(a).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      const b = await stableToken(sim);
      expect(b.access_token).toBe(a.access_token);
      const c = await stableToken(sim, { force_refresh: true });
      expect(c.access_token).not.toBe(a.access_token);
      sim.grantSubscription('o_tok', 'TPL_MILESTONE');
      expect((await send(sim, a.access_token, message('o_tok', { thing1: '地基验收' }))).errcode).toBe(40001);
      expect((await send(sim, c.access_token, message('o_tok', { thing1: '地基验收' }))).errcode).toBe(0);
    });

    test('wrong secret is 40125; the legacy GET /cgi-bin/token also issues usable tokens', async () => {
      expect((await stableToken(sim, { secret: 'nope' })).errcode).toBe(40125);
      const q = new URLSearchParams({ grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET });
      const legacy = await getJson(`${sim.url}/cgi-bin/token?${q}`);
      expect(legacy.expires_in).toBe(7200);
      sim.grantSubscription('o_legacy', 'TPL_MILESTONE');
      expect((await send(sim, legacy.access_token, message('o_legacy', { thing1: '开工' }))).errcode).toBe(0);
    });

    test('an unknown token is 40001 and an expired one 42001', async () => {
      shortLived.grantSubscription('o_exp', 'TPL_MILESTONE');
      expect((await send(shortLived, 'made-up-token', message('o_exp', { thing1: 'x' }))).errcode).toBe(
        40001,
      );
      const { access_token: token } = await stableToken(shortLived);
      await sleep(450);
      const expired = await send(shortLived, token, message('o_exp', { thing1: 'x' }));
      expect(expired.errcode).toBe(42001);
      const fresh = await stableToken(shortLived);
      expect(fresh.access_token).not.toBe(token);
      expect((await send(shortLived, fresh.access_token, message('o_exp', { thing1: 'x' }))).errcode).toBe(0);
    });
  });

  describe('subscribe messages', () => {
    let token: string;
    beforeAll(async () => {
      token = (await stableToken(sim)).access_token;
    });

    test('no grant is 43101; one grant allows exactly one send, which is recorded', async () => {
      const data = {
        thing1: '二层结构验收',
        time2: '2026-11-28 15:30',
        amount3: '¥1234.50',
        character_string4: 'PRJ-2026-0042',
      };
      expect(await send(sim, token, message('o_sub', data))).toEqual({
        errcode: 43101,
        errmsg: expect.any(String),
      });
      await postJson(`${sim.url}/__sim/subscriptions`, {
        openid: 'o_sub',
        templateId: 'TPL_MILESTONE',
        count: 1,
      });
      const ok = await send(sim, token, message('o_sub', data));
      expect(ok).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
      expect((await send(sim, token, message('o_sub', data))).errcode).toBe(43101);
      const recorded = sim.messages().filter((m) => m.kind === 'subscribe' && m.openid === 'o_sub');
      expect(recorded).toEqual([
        expect.objectContaining({
          templateId: 'TPL_MILESTONE',
          msgid: ok.msgid,
          page: 'pages/project/index?id=1',
          data: {
            thing1: { value: '二层结构验收' },
            time2: { value: '2026-11-28 15:30' },
            amount3: { value: '¥1234.50' },
            character_string4: { value: 'PRJ-2026-0042' },
          },
        }),
      ]);
      expect(await getJson(`${sim.url}/__sim/messages`)).toEqual(sim.messages());
    });

    test('grants are per template', async () => {
      sim.grantSubscription('o_tpl', 'TPL_A');
      expect((await send(sim, token, message('o_tpl', { thing1: 'x' }, 'TPL_B'))).errcode).toBe(43101);
      expect((await send(sim, token, message('o_tpl', { thing1: 'x' }, 'TPL_A'))).errcode).toBe(0);
    });

    test('a thing over 20 characters is 47003 naming the key, and does not consume the grant', async () => {
      sim.grantSubscription('o_long', 'TPL_MILESTONE');
      const tooLong = await send(sim, token, message('o_long', { thing1: '一'.repeat(21) }));
      expect(tooLong.errcode).toBe(47003);
      expect(tooLong.errmsg).toContain('thing1');
      expect((await send(sim, token, message('o_long', { thing1: '一'.repeat(20) }))).errcode).toBe(0);
    });

    test.each([
      ['character_string1', 'PRJ-编号'],
      ['number1', '12a'],
      ['phrase1', '已经完成了验收'],
      ['phrase1', 'done'],
      ['amount1', '¥12345678901'],
      ['time1', '25:00'],
      ['name1', '一二三四五六七八九十壹'],
      ['unknownkind1', 'x'],
    ])('%s = %p is 47003', async (key, value) => {
      sim.grantSubscription('o_rules', 'TPL_MILESTONE');
      const res = await send(sim, token, message('o_rules', { [key]: value }));
      expect(res.errcode).toBe(47003);
      expect(res.errmsg).toContain(key);
    });

    test.each([
      ['number1', '42'],
      ['phrase1', '已完成'],
      ['amount1', '¥99.00'],
      ['time1', '23:59'],
      ['date1', '2026年11月28日'],
      ['name1', '张三'],
      ['phone_number1', '+86-138-0000-0000'],
      ['car_number1', '粤B12345'],
    ])('%s = %p is accepted', async (key, value) => {
      sim.grantSubscription('o_ok', 'TPL_MILESTONE');
      expect((await send(sim, token, message('o_ok', { [key]: value }))).errcode).toBe(0);
    });
  });

  describe('faults', () => {
    test('an injected errcode answers that errcode for `times` requests, then behaviour returns', async () => {
      sim.injectFault({ endpoint: 'jscode2session', errcode: 45011, times: 2 });
      const code = sim.issueLoginCode('o_fault');
      expect((await session(sim, code)).errcode).toBe(45011);
      expect((await session(sim, code)).errcode).toBe(45011);
      expect((await session(sim, code)).openid).toBe('o_fault');
    });

    test('faults set over HTTP apply, an HTTP status is returned, and DELETE clears them', async () => {
      await postJson(`${sim.url}/__sim/faults`, { endpoint: 'stable_token', httpStatus: 503, times: 5 });
      const res = await fetch(`${sim.url}/cgi-bin/stable_token`, {
        method: 'POST',
        body: JSON.stringify({}),
        headers: { 'Content-Type': 'application/json' },
      });
      expect(res.status).toBe(503);
      await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
      expect((await stableToken(sim)).access_token).toEqual(expect.any(String));
    });

    test('a delay fault delays the answer and then answers normally', async () => {
      const token = (await stableToken(sim)).access_token;
      sim.grantSubscription('o_slow', 'TPL_MILESTONE');
      sim.injectFault({ endpoint: 'subscribe', delayMs: 400 });
      const started = Date.now();
      const res = await send(sim, token, message('o_slow', { thing1: '慢' }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(res.errcode).toBe(0);
    });

    test('malformed fault requests are rejected', async () => {
      const res = await fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ endpoint: 'nope' }),
      });
      expect(res.status).toBe(400);
    });
  });
});
