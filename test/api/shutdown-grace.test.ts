import http from 'node:http';
import { Types } from 'mongoose';
import { startWechatSim, type WechatSim } from '../../scripts/wechat-sim';
import { ApiProcesses, STARTED_KEY } from '../support/api-processes';

/**
 * SIGTERM to a real API process while it holds idle keep-alive connections, answers a slow
 * request, runs a scheduled job that does not end, and delivers a notice WeChat takes long to
 * accept: the process must answer the request and exit within `http.shutdownGraceMs`.
 */
const GRACE_MS = 3000;
const MARGIN_MS = 1000;
const APP = { appId: 'wxtestgantry00001', appSecret: 'test-app-secret-not-for-production' };
const procs = new ApiProcesses();
let sim: WechatSim;

beforeAll(async () => {
  sim = await startWechatSim(APP);
  await procs.open();
});
afterAll(async () => {
  await procs.close();
  await sim?.close();
});

function request(
  agent: http.Agent,
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A WeCom notice, due now, as the outbox holds it (the worker finds it through the Redis queue). */
async function enqueueWecomNotice(): Promise<void> {
  const id = new Types.ObjectId();
  const now = new Date();
  await procs.conn.collection('notices').insertOne({
    _id: id,
    dedupeKey: `shutdown-test:${String(id)}`,
    eventId: String(id),
    eventType: 'test.shutdown',
    channel: 'wecom',
    recipientKind: 'team',
    recipientId: 'pm',
    target: 'pm',
    template: 'test',
    content: { title: '停机测试', body: '停机测试', page: null, markdown: '停机测试' },
    status: 'pending',
    attempts: 0,
    deferrals: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    leaseOwner: null,
    lastError: null,
    sentAt: null,
    createdAt: now,
    updatedAt: now,
  });
  await procs.redis.zadd('outbox:due', now.getTime(), String(id));
}

it('exits within its grace period with the request in flight answered', async () => {
  const api = await procs.start(
    {
      http: { shutdownGraceMs: GRACE_MS },
      wechat: { ...APP, apiBaseUrl: sim.url, wecomBaseUrl: sim.url, requestTimeoutMs: 30_000 },
      scheduler: { enabled: true },
      notifications: { worker: { enabled: true, concurrency: 1 } },
    },
    { GANTRY_TEST_BLOCKING_JOB: '* * * * * *' },
  );
  await procs.waitReady(api);

  // A scheduled run that never ends by itself, and a delivery WeChat holds for 8 s.
  await until(async () => (await procs.redis.llen(STARTED_KEY)) > 0, 10_000, 'blocking job started');
  sim.injectFault({ endpoint: 'wecom', delayMs: 8000, times: 1 });
  await enqueueWecomNotice();
  await until(
    async () => (await procs.conn.collection('notice_attempts').countDocuments()) > 0,
    10_000,
    'WeCom delivery started',
  );

  // Idle keep-alive connections, and a slow sign-in on another keep-alive connection.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const idle = await Promise.all([1, 2, 3].map(() => request(agent, `${api.url}/healthz`, 'GET')));
  expect(idle.map((r) => r.status)).toEqual([200, 200, 200]);
  sim.injectFault({ endpoint: 'jscode2session', delayMs: 1500, times: 1 });
  const slow = request(agent, `${api.url}/api/v1/auth/wechat/login`, 'POST', {
    code: sim.issueLoginCode('o_shutdown_grace'),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));

  const signalledAt = Date.now();
  api.child.kill('SIGTERM');
  const answered = await slow;
  const exit = await api.exited;
  const tookMs = exit.at - signalledAt;
  agent.destroy();

  expect(answered.status).toBe(200);
  expect(JSON.parse(answered.body).user.kind).toBe('portal');
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  console.log(`shutdown took ${tookMs} ms (grace ${GRACE_MS} ms)`);
  expect(tookMs).toBeLessThan(GRACE_MS + MARGIN_MS);
}, 90_000);
