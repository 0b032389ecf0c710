import { startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import { postJson } from './wechat-sim.support';

describe('wechat-sim WeCom group robot', () => {
  let sim: WechatSim;
  beforeAll(async () => {
    sim = await startWechatSim({
      appId: 'wx_app',
      appSecret: 'secret',
      wecomKeys: ['ROBOT-A', 'ROBOT-B', 'ROBOT-C'],
    });
  });
  afterAll(() => sim.close());

  const robot = (key: string, body: unknown) => postJson(`${sim.url}/cgi-bin/webhook/send?key=${key}`, body);
  const text = (content: string) => ({ msgtype: 'text', text: { content } });

  test('text and markdown messages are accepted and recorded in order', async () => {
    expect(await robot('ROBOT-A', text('工地 A 今日已验收'))).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(
      await robot('ROBOT-A', {
        msgtype: 'markdown',
        markdown: { content: '**变更单** <font color="warning">待报价</font>' },
      }),
    ).toEqual({ errcode: 0, errmsg: 'ok' });
    const wecom = sim.messages().filter((m) => m.kind === 'wecom');
    expect(wecom.map((m) => [m.kind === 'wecom' && m.msgtype, m.kind === 'wecom' && m.content])).toEqual([
      ['text', '工地 A 今日已验收'],
      ['markdown', '**变更单** <font color="warning">待报价</font>'],
    ]);
  });

  test('an unknown key is 93000 and is not recorded', async () => {
    const before = sim.messages().length;
    expect((await robot('NOT-A-ROBOT', text('hi'))).errcode).toBe(93000);
    expect(sim.messages()).toHaveLength(before);
  });

  test('byte limits: text 2048, markdown 4096', async () => {
    expect((await robot('ROBOT-C', text('a'.repeat(2048)))).errcode).toBe(0);
    expect((await robot('ROBOT-C', text('中'.repeat(683)))).errcode).not.toBe(0); // 2049 bytes
    expect(
      (await robot('ROBOT-C', { msgtype: 'markdown', markdown: { content: 'm'.repeat(4097) } })).errcode,
    ).not.toBe(0);
    expect((await robot('ROBOT-C', { msgtype: 'image', image: {} })).errcode).not.toBe(0);
  });

  test('the 21st message within a minute is 45009, per key', async () => {
    const results: number[] = [];
    for (let i = 1; i <= 21; i++) results.push((await robot('ROBOT-B', text(`消息 ${i}`))).errcode);
    expect(results.slice(0, 20).every((c) => c === 0)).toBe(true);
    expect(results[20]).toBe(45009);
    expect((await robot('ROBOT-A', text('other robot is not limited'))).errcode).toBe(0);
    const fromB = sim.messages().filter((m) => m.kind === 'wecom' && m.key === 'ROBOT-B');
    expect(fromB).toHaveLength(20);
  });

  test('an injected fault answers its errcode', async () => {
    sim.injectFault({ endpoint: 'wecom', errcode: -1 });
    expect((await robot('ROBOT-A', text('x'))).errcode).toBe(-1);
    expect((await robot('ROBOT-A', text('x'))).errcode).toBe(0);
  });
});

describe('wechat-sim WeCom robot without a key list', () => {
  test('any key is accepted', async () => {
    const sim = await startWechatSim({ appId: 'wx_app', appSecret: 'secret' });
    try {
      expect(
        (
          await postJson(`${sim.url}/cgi-bin/webhook/send?key=whatever`, {
            msgtype: 'text',
            text: { content: 'ok' },
          })
        ).errcode,
      ).toBe(0);
      expect(
        (await postJson(`${sim.url}/cgi-bin/webhook/send`, { msgtype: 'text', text: { content: 'no key' } }))
          .errcode,
      ).toBe(93000);
    } finally {
      await sim.close();
    }
  });
});
