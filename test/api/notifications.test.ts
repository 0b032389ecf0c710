import { startTestSystem, type TestSystem } from '../support/system';
import { awaitingMilestone, customerWithGrants, publish, subscribeMessagesTo } from '../support/notify';

const TPL = 'TPL_MILESTONE_AWAITING';
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ overrides: { wechat: { requestTimeoutMs: 700 } } });
});
afterAll(async () => {
  await sys?.close();
});

const drain = () => sys.server.container.outboxWorker.drain();
const notices = () => sys.server.container.models.notices;

describe('event → outbox → channels', () => {
  it('writes every notice first, then delivers inbox and subscribe message once', async () => {
    const c = await customerWithGrants(sys, 'o_n_happy', TPL, 1);
    await publish(sys, awaitingMilestone(c.customerId, 'm-happy'));
    const queued = await notices().find({ eventId: 'milestone.awaiting_confirmation:m-happy' }).lean();
    expect(queued.map((n) => n.channel).sort()).toEqual(['inbox', 'subscribe']);
    expect(queued.every((n) => n.status === 'pending')).toBe(true);

    await drain();
    const sent = subscribeMessagesTo(sys, 'o_n_happy');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: TPL,
      data: { thing1: { value: '华景·滨江苑三期住宅楼' }, thing2: { value: '主体结构封顶' } },
    });
    const inbox = await sys.api.get('/api/v1/notifications', c.token);
    expect(inbox.body.items[0]).toMatchObject({ title: '节点待确认', readAt: null });
    expect(inbox.body.items[0].body).toContain('主体结构封顶');

    // the same event published again (a retried request) enqueues and sends nothing new
    await publish(sys, awaitingMilestone(c.customerId, 'm-happy'));
    await drain();
    expect(subscribeMessagesTo(sys, 'o_n_happy')).toHaveLength(1);
    expect(await notices().countDocuments({ eventId: 'milestone.awaiting_confirmation:m-happy' })).toBe(2);
  });

  it('without a grant sends no subscribe message: inbox only', async () => {
    const c = await customerWithGrants(sys, 'o_n_nogrant', TPL, 0);
    await publish(sys, awaitingMilestone(c.customerId, 'm-nogrant'));
    await drain();
    expect(subscribeMessagesTo(sys, 'o_n_nogrant')).toHaveLength(0);
    const sub = await notices()
      .findOne({ eventId: 'milestone.awaiting_confirmation:m-nogrant', channel: 'subscribe' })
      .lean();
    expect(sub).toMatchObject({ status: 'skipped', lastError: expect.stringMatching(/no subscribe grant/) });
    expect((await sys.api.get('/api/v1/notifications/unread-count', c.token)).body.unread).toBe(1);
  });

  it('each send uses one grant', async () => {
    const c = await customerWithGrants(sys, 'o_n_onegrant', TPL, 1);
    await publish(sys, awaitingMilestone(c.customerId, 'm-one-a'));
    await publish(sys, awaitingMilestone(c.customerId, 'm-one-b'));
    await drain();
    expect(subscribeMessagesTo(sys, 'o_n_onegrant')).toHaveLength(1);
    const grants = await sys.api.get('/api/v1/subscriptions?moment=milestone_confirm', c.token);
    expect(grants.body.templates.find((t: { templateId: string }) => t.templateId === TPL).remaining).toBe(0);
  });

  it('honours the daily cap and folds the rest into the digest', async () => {
    const cap = sys.config.notifications.subscribeDailyCap;
    const c = await customerWithGrants(sys, 'o_n_cap', TPL, cap + 2);
    for (let i = 0; i < cap + 2; i += 1) await publish(sys, awaitingMilestone(c.customerId, `m-cap-${i}`));
    await drain();
    expect(subscribeMessagesTo(sys, 'o_n_cap')).toHaveLength(cap);
    expect(
      await notices().countDocuments({
        recipientId: { $exists: true },
        channel: 'subscribe',
        status: 'digest',
        target: 'o_n_cap',
      }),
    ).toBe(2);

    const result = await sys.server.container.services.digest.buildDigests();
    expect(result.notices).toBeGreaterThanOrEqual(2);
    const inbox = await sys.api.get('/api/v1/notifications?limit=1', c.token);
    expect(inbox.body.items[0].title).toBe('消息摘要（2 条）');
    expect(await notices().countDocuments({ target: 'o_n_cap', status: 'digest' })).toBe(0);
    await sys.server.container.services.digest.buildDigests();
    expect(
      (await sys.api.get('/api/v1/notifications?limit=50', c.token)).body.items.filter(
        (i: { eventType: string }) => i.eventType === 'digest',
      ),
    ).toHaveLength(1);
  });
});

describe('WeChat answers', () => {
  it('43101 clears the grant and leaves the notice failed with the reason', async () => {
    const c = await customerWithGrants(sys, 'o_n_43101', TPL, 0);
    // we believe we hold 2 grants, WeChat holds none (the user revoked in WeChat settings)
    await sys.api.post('/api/v1/subscriptions', { results: { [TPL]: 'accept' } }, c.token);
    await sys.api.post('/api/v1/subscriptions', { results: { [TPL]: 'accept' } }, c.token);
    await publish(sys, awaitingMilestone(c.customerId, 'm-43101'));
    await drain();
    const n = await notices()
      .findOne({ eventId: 'milestone.awaiting_confirmation:m-43101', channel: 'subscribe' })
      .lean();
    expect(n).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/43101/) });
    const grants = await sys.api.get('/api/v1/subscriptions?moment=milestone_confirm', c.token);
    expect(grants.body.templates.find((t: { templateId: string }) => t.templateId === TPL).remaining).toBe(0);
  });

  it('cuts values to the field limits so WeChat accepts them, and reports a 47003 it still gives', async () => {
    const c = await customerWithGrants(sys, 'o_n_47003', TPL, 2);
    const long = '华景滨江苑三期住宅楼项目地下室与裙楼结构封顶节点';
    await publish(sys, awaitingMilestone(c.customerId, 'm-long', { milestoneName: long }));
    await drain();
    const [msg] = subscribeMessagesTo(sys, 'o_n_47003');
    expect(msg?.kind === 'subscribe' && Array.from(msg.data.thing2!.value)).toHaveLength(20);

    sys.sim.injectFault({ endpoint: 'subscribe', errcode: 47003, times: 1 });
    await publish(sys, awaitingMilestone(c.customerId, 'm-47003'));
    await drain();
    const n = await notices()
      .findOne({ eventId: 'milestone.awaiting_confirmation:m-47003', channel: 'subscribe' })
      .lean();
    expect(n).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/FIELD_INVALID: 47003/) });
    // a definite refusal gives our grant back
    const grants = await sys.api.get('/api/v1/subscriptions?moment=milestone_confirm', c.token);
    expect(grants.body.templates.find((t: { templateId: string }) => t.templateId === TPL).remaining).toBe(1);
  });

  it('refreshes an invalid access token once and sends', async () => {
    const c = await customerWithGrants(sys, 'o_n_40001', TPL, 1);
    await sys.server.container.redis.set('wechat:access-token', 'stale-token-from-another-deploy', 'EX', 600);
    await publish(sys, awaitingMilestone(c.customerId, 'm-40001'));
    await drain();
    expect(subscribeMessagesTo(sys, 'o_n_40001')).toHaveLength(1);
    expect(await sys.server.container.redis.get('wechat:access-token')).not.toBe(
      'stale-token-from-another-deploy',
    );
    expect(
      (
        await notices()
          .findOne({ eventId: 'milestone.awaiting_confirmation:m-40001', channel: 'subscribe' })
          .lean()
      )?.attempts,
    ).toBe(1);
  });

  it('retries a timeout with backoff, then delivers; gives up as dead after the last attempt', async () => {
    const c = await customerWithGrants(sys, 'o_n_timeout', TPL, 1);
    sys.sim.injectFault({ endpoint: 'subscribe', delayMs: 1500, times: 1 });
    await publish(sys, awaitingMilestone(c.customerId, 'm-timeout'));
    await drain();
    const filter = { eventId: 'milestone.awaiting_confirmation:m-timeout', channel: 'subscribe' as const };
    const waiting = await notices().findOne(filter).lean();
    expect(waiting).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringMatching(/UPSTREAM_UNAVAILABLE/),
    });
    const [first] = await sys.server.container.models.noticeAttempts.find({ noticeId: waiting!._id }).lean();
    // backed off by the first step of the configured backoff, counted from the failed attempt
    const backoffMs = sys.config.notifications.backoffSeconds[0]! * 1000;
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(first!.claimedAt.getTime() + backoffMs);
    expect(waiting!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + backoffMs);
    await new Promise((r) => setTimeout(r, Math.max(0, waiting!.nextAttemptAt.getTime() - Date.now() + 50)));
    await drain();
    expect(await notices().findOne(filter).lean()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(subscribeMessagesTo(sys, 'o_n_timeout')).toHaveLength(1);
  });
});
