import type { ChildProcess } from 'node:child_process';
import { spawnOutboxWorker } from '../../scripts/worker-process';
import { startTestSystem, type TestSystem } from '../support/system';
import { awaitingMilestone, customerWithGrants, publish, subscribeMessagesTo } from '../support/notify';

const TPL = 'TPL_MILESTONE_AWAITING';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

const drain = () => sys.server.container.outboxWorker.drain();
const notices = () => sys.server.container.models.notices;

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function startWorkerProcess(): ChildProcess {
  return spawnOutboxWorker(
    {
      MONGODB_URI: sys.config.mongodb.uri,
      REDIS_KEY_PREFIX: sys.config.redis.keyPrefix,
      WECHAT_API_BASE_URL: sys.sim.url,
      WECOM_BASE_URL: sys.sim.url,
    },
    { notifications: { worker: { enabled: true, pollMs: 100 } } },
  );
}

describe('a worker killed mid-delivery', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('loses nothing: the notice is delivered after the lease expires, once', async () => {
    const c = await customerWithGrants(sys, 'o_kill', TPL, 1);
    sys.sim.injectFault({ endpoint: 'subscribe', delayMs: 4000, times: 1 });
    await publish(sys, awaitingMilestone(c.customerId, 'm-kill'));
    const filter = { eventId: 'milestone.awaiting_confirmation:m-kill', channel: 'subscribe' as const };

    child = startWorkerProcess();
    const notice = await notices().findOne(filter).lean();
    const claimed = await until('the worker process to claim the notice', () =>
      sys.server.container.models.noticeAttempts.findOne({ noticeId: notice!._id }).lean(),
    );
    await sleep(300); // its request is now inside WeChat's (simulated) slow answer
    child.kill('SIGKILL');
    const killedAt = Date.now();

    await sleep(claimed.leaseUntil.getTime() - Date.now() + 100);
    await drain();
    await sleep(Math.max(0, 4500 - (Date.now() - killedAt))); // let the cut-off request's delay run out
    expect(subscribeMessagesTo(sys, 'o_kill')).toHaveLength(1);
    expect(await notices().findOne(filter).lean()).toMatchObject({ status: 'sent', attempts: 2 });
    const attempts = await sys.server.container.models.noticeAttempts
      .find({ noticeId: notice!._id })
      .sort({ attempt: 1 })
      .lean();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[0]!.workerId).not.toBe(attempts[1]!.workerId);
  }, 40000);
});

describe('two workers on one outbox', () => {
  it('deliver every notice exactly once', async () => {
    const second = await startTestSystem({
      overrides: {
        mongodb: { uri: sys.config.mongodb.uri },
        redis: { keyPrefix: sys.config.redis.keyPrefix },
      },
    });
    try {
      const c = await customerWithGrants(sys, 'o_two_workers', TPL, 0);
      for (let i = 0; i < 30; i += 1) await publish(sys, awaitingMilestone(c.customerId, `m-two-${i}`));
      const [a, b] = await Promise.all([drain(), second.server.container.outboxWorker.drain()]);
      expect(a + b).toBeGreaterThanOrEqual(60); // 30 inbox + 30 subscribe (skipped: no grant)
      const inbox = await sys.server.container.models.inbox.countDocuments({
        recipientId: (await sys.api.get('/api/v1/me', c.token)).body.user.id,
      });
      expect(inbox).toBe(30);
      const ids = (
        await notices()
          .find({ eventId: /:m-two-/ }, { _id: 1 })
          .lean()
      ).map((n) => n._id);
      expect(ids).toHaveLength(60);
      const attempts = await sys.server.container.models.noticeAttempts
        .find({ noticeId: { $in: ids } })
        .lean();
      expect(attempts).toHaveLength(60); // one attempt per notice: no notice was claimed twice
      expect(new Set(attempts.map((a) => String(a.noticeId))).size).toBe(60);
    } finally {
      await second.server.close();
      await second.sim.close();
    }
  }, 40000);
});

describe('WeCom robot', () => {
  it('sends at most 20 a minute per robot and holds the rest for the next minute', async () => {
    const second = new Date().getUTCSeconds();
    if (second > 40) await sleep((61 - second) * 1000); // keep the burst inside one minute window
    for (let i = 0; i < 22; i += 1) {
      await sys.server.container.events.publish(
        'customer.tier_dropped',
        { customerName: `风险客户${i}`, reason: '两次逾期付款' },
        { id: `tier:${i}` },
      );
    }
    await drain();
    const wecom = sys.sim.messages().filter((m) => m.kind === 'wecom' && m.key === 'test-robot-sales');
    expect(wecom).toHaveLength(20);
    expect(wecom[0]).toMatchObject({ msgtype: 'markdown', content: expect.stringContaining('两次逾期付款') });
    const held = await notices()
      .find({ channel: 'wecom', eventType: 'customer.tier_dropped', status: 'pending' })
      .lean();
    expect(held).toHaveLength(2);
    for (const n of held) {
      expect(n.deferrals).toBe(1);
      expect(n.nextAttemptAt.getTime() % 60000).toBe(0);
    }
  }, 40000);
});

describe('dead letters', () => {
  it('marks a notice dead after its last attempt; an admin sees it and retries it', async () => {
    const c = await customerWithGrants(sys, 'o_dead', TPL, 1);
    sys.sim.injectFault({ endpoint: 'subscribe', errcode: -1, times: sys.config.notifications.maxAttempts });
    await publish(sys, awaitingMilestone(c.customerId, 'm-dead'));
    const filter = { eventId: 'milestone.awaiting_confirmation:m-dead', channel: 'subscribe' as const };
    for (let i = 0; i < sys.config.notifications.maxAttempts; i += 1) {
      const n = await notices().findOne(filter).lean();
      if (n && n.nextAttemptAt > new Date()) await sleep(n.nextAttemptAt.getTime() - Date.now() + 50);
      await drain();
    }
    const dead = await notices().findOne(filter).lean();
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: sys.config.notifications.maxAttempts,
      lastError: expect.stringMatching(/-1/),
    });

    const admin = await sys.seed.staff('admin');
    const token = await sys.loginStaff(admin.username, admin.password);
    const list = await sys.api.get('/api/v1/admin/notifications?status=dead', token);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(String(dead!._id));
    const retried = await sys.api.post(`/api/v1/admin/notifications/${dead!._id}/retry`, undefined, token);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await drain();
    expect(await notices().findOne(filter).lean()).toMatchObject({ status: 'sent' });
    expect(subscribeMessagesTo(sys, 'o_dead')).toHaveLength(1);
    const again = await sys.api.post(`/api/v1/admin/notifications/${dead!._id}/retry`, undefined, token);
    expect(again.status).toBe(409);
    const audit = await sys.server.container.audit.forResource('notice', String(dead!._id));
    expect(audit[0]).toMatchObject({ action: 'notice.retried', actorId: admin.id });
  }, 30000);
});

describe('preferences', () => {
  it('"off" keeps only the inbox record; "digest" holds the push for the daily digest', async () => {
    const c = await customerWithGrants(sys, 'o_prefs', TPL, 2);
    const before = await sys.api.get('/api/v1/me/preferences', c.token);
    expect(
      before.body.preferences.find(
        (p: { eventType: string }) => p.eventType === 'milestone.awaiting_confirmation',
      ),
    ).toMatchObject({
      enabled: true,
      mode: 'instant',
      label: '节点待确认',
    });
    // a customer is never asked about staff-only events
    expect(before.body.preferences.map((p: { eventType: string }) => p.eventType)).not.toContain(
      'rating.low',
    );

    const off = await sys.api.request('PUT', '/api/v1/me/preferences', {
      token: c.token,
      body: {
        preferences: [{ eventType: 'milestone.awaiting_confirmation', enabled: false, mode: 'instant' }],
      },
    });
    expect(off.status).toBe(200);
    await publish(sys, awaitingMilestone(c.customerId, 'm-off'));
    await drain();
    expect(
      await notices().countDocuments({
        eventId: 'milestone.awaiting_confirmation:m-off',
        channel: 'subscribe',
      }),
    ).toBe(0);
    expect((await sys.api.get('/api/v1/notifications/unread-count', c.token)).body.unread).toBe(1);

    await sys.api.request('PUT', '/api/v1/me/preferences', {
      token: c.token,
      body: {
        preferences: [{ eventType: 'milestone.awaiting_confirmation', enabled: true, mode: 'digest' }],
      },
    });
    await publish(sys, awaitingMilestone(c.customerId, 'm-digest'));
    await drain();
    expect(
      await notices()
        .findOne({ eventId: 'milestone.awaiting_confirmation:m-digest', channel: 'subscribe' })
        .lean(),
    ).toMatchObject({ status: 'digest' });
    expect(subscribeMessagesTo(sys, 'o_prefs')).toHaveLength(0);

    const bad = await sys.api.request('PUT', '/api/v1/me/preferences', {
      token: c.token,
      body: { preferences: [{ eventType: 'nonsense.event', enabled: true, mode: 'hourly' }] },
    });
    expect(bad.status).toBe(400);
  });
});

describe('inbox and subscriptions API', () => {
  it('marks one and all read, and hides other people’s items behind 404', async () => {
    const a = await customerWithGrants(sys, 'o_inbox_a', TPL, 0);
    const b = await customerWithGrants(sys, 'o_inbox_b', TPL, 0);
    for (let i = 0; i < 3; i += 1) await publish(sys, awaitingMilestone(a.customerId, `m-inbox-${i}`));
    await drain();
    const page1 = await sys.api.get('/api/v1/notifications?limit=2', a.token);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await sys.api.get(`/api/v1/notifications?limit=2&cursor=${page1.body.nextCursor}`, a.token);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();

    const first = page1.body.items[0];
    expect((await sys.api.post(`/api/v1/notifications/${first.id}/read`, undefined, b.token)).status).toBe(
      404,
    );
    const read = await sys.api.post(`/api/v1/notifications/${first.id}/read`, undefined, a.token);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await sys.api.post(`/api/v1/notifications/${first.id}/read`, undefined, a.token);
    expect(again.body.readAt).toBe(read.body.readAt);
    expect((await sys.api.get('/api/v1/notifications/unread-count', a.token)).body.unread).toBe(2);
    expect((await sys.api.get('/api/v1/notifications?unread=true', a.token)).body.items).toHaveLength(2);
    expect((await sys.api.post('/api/v1/notifications/read-all', undefined, a.token)).body.marked).toBe(2);
    expect((await sys.api.get('/api/v1/notifications/unread-count', a.token)).body.unread).toBe(0);
  });

  it('records consent only for known templates, and only from customers', async () => {
    const c = await customerWithGrants(sys, 'o_consent', TPL, 0);
    const unknown = await sys.api.post(
      '/api/v1/subscriptions',
      { results: { TPL_NOT_OURS: 'accept' } },
      c.token,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields[0].path).toBe('body.results.TPL_NOT_OURS');
    const mixed = await sys.api.post(
      '/api/v1/subscriptions',
      { results: { [TPL]: 'accept', TPL_CHANGE_QUOTED: 'reject' } },
      c.token,
    );
    expect(mixed.body.templates).toEqual(
      expect.arrayContaining([
        { templateId: TPL, title: '节点待确认', remaining: 1 },
        { templateId: 'TPL_CHANGE_QUOTED', title: '变更已报价', remaining: 0 },
      ]),
    );
    const moment = await sys.api.get('/api/v1/subscriptions?moment=invoice_pay', c.token);
    expect(moment.body.templates.map((t: { templateId: string }) => t.templateId)).toEqual([
      'TPL_INVOICE_DUE',
      'TPL_PAYMENT_RECEIVED',
    ]);
    const staff = await sys.seed.staff('sales');
    const staffToken = await sys.loginStaff(staff.username, staff.password);
    expect(
      (await sys.api.post('/api/v1/subscriptions', { results: { [TPL]: 'accept' } }, staffToken)).status,
    ).toBe(403);
  });
});
