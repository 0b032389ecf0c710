import net from 'node:net';
import { Types } from 'mongoose';
import { rawHttp } from '../support/raw-http';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * A chat long poll whose client goes away (the mini-program is closed, the phone loses signal):
 * the wait is released at once — whether the client left mid-wait or before the server had even
 * begun waiting — instead of holding its timer, its waiter and its request until the timeout.
 */
let sys: TestSystem;
let token: string;
let projectId: string;
let port: number;

beforeAll(async () => {
  sys = await startTestSystem();
  port = Number(new URL(sys.baseUrl).port);
  const { customer } = await sys.seed.customerWithPortal({ openid: 'o_wait_gone', customerName: '离线客户' });
  token = await sys.loginWechat('o_wait_gone');
  const pm = await sys.seed.staff('pm');
  const doc = await sys.server.container.models.projects.create({
    code: 'W-GONE',
    name: '长轮询项目',
    customerId: new Types.ObjectId(customer.id),
    address: '上海市徐汇区',
    pmId: new Types.ObjectId(pm.id),
    engineerIds: [],
    plannedStart: new Date('2026-01-01'),
    plannedEnd: new Date('2026-12-31'),
  });
  projectId = String(doc._id);
});
afterAll(async () => {
  await sys?.close();
});

const waits = () => sys.server.container.chatWaits.pending;
const head = () =>
  `GET /api/v1/projects/${projectId}/messages/wait?after=0&timeoutMs=25000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('chat long poll, client gone', () => {
  it('releases the wait when the client disconnects mid-wait', async () => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head()));
    socket.on('error', () => undefined);
    expect(await until(() => waits() === 1, 5000)).toBe(true);
    const started = Date.now();
    socket.destroy();
    expect(await until(() => waits() === 0, 1000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await sys.api.get('/healthz')).status).toBe(200);
  });

  it('releases the wait when the client left before the server began to wait', async () => {
    for (let i = 0; i < 5; i += 1) {
      // Cut right after the request is written: the server is still checking the session then.
      await rawHttp({ port, head: head(), then: 'destroy', timeoutMs: 5000 });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(waits()).toBe(0);
    expect((await sys.api.get('/healthz')).status).toBe(200);
  });
});
