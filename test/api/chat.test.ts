import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import sharp from 'sharp';
import type { ChatMessage, ChatPage } from '@gantry/shared';
import { createLogger } from '../../server/src/core/logger';
import { ChatWaits } from '../../server/src/modules/feedback/chat-waits';
import { startTestSystem, type TestSystem } from '../support/system';

type Who = { token: string; id: string };
let sys: TestSystem;
let dataDir: string;
let closed = false;
const who = {} as Record<
  'pm' | 'eng' | 'outsider' | 'service' | 'finance' | 'sales' | 'admin' | 'custA' | 'custA2' | 'custB',
  Who
>;
let customerA: string;
let projectA: string;
let projectB: string;

async function staff(role: 'pm' | 'engineer' | 'service' | 'finance' | 'sales' | 'admin', name: string) {
  const user = await sys.seed.staff(role, { name });
  const token = await sys.loginStaff(user.username, user.password);
  return { token, id: (await sys.server.container.sessions.resolve(token))!.id };
}
async function portal(openid: string) {
  const token = await sys.loginWechat(openid);
  return { token, id: (await sys.server.container.sessions.resolve(token))!.id };
}
async function project(code: string, customerId: string, engineerIds: string[]) {
  const doc = await sys.server.container.models.projects.create({
    code,
    name: `项目${code}`,
    customerId: new Types.ObjectId(customerId),
    address: '上海市浦东新区',
    pmId: new Types.ObjectId(who.pm.id),
    engineerIds: engineerIds.map((id) => new Types.ObjectId(id)),
    plannedStart: new Date('2026-01-01'),
    plannedEnd: new Date('2026-12-31'),
  });
  return String(doc._id);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-chat-'));
  sys = await startTestSystem({ overrides: { files: { dataDir } } });
  who.pm = await staff('pm', '项目经理张伟');
  who.eng = await staff('engineer', '工程师陈刚');
  who.outsider = await staff('engineer', '别的工程师');
  who.service = await staff('service', '客服小王');
  who.finance = await staff('finance', '财务小李');
  who.sales = await staff('sales', '销售小赵');
  who.admin = await staff('admin', '管理员');
  const a = await sys.seed.customerWithPortal({ openid: 'o_chat_a', customerName: '华景置业' });
  customerA = a.customer.id;
  await sys.server.container.models.portalAccounts.create({
    openid: 'o_chat_a2',
    customerId: new Types.ObjectId(customerA),
    boundAt: new Date(),
    lastLoginAt: new Date(),
  });
  const b = await sys.seed.customerWithPortal({ openid: 'o_chat_b', customerName: '孙建国' });
  who.custA = await portal('o_chat_a');
  who.custA2 = await portal('o_chat_a2');
  who.custB = await portal('o_chat_b');
  projectA = await project('C-A', customerA, [who.eng.id]);
  projectB = await project('C-B', b.customer.id, []);
});
afterAll(async () => {
  if (!closed) await sys?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const messagesOf = (projectId: string) => `/api/v1/projects/${projectId}/messages`;
async function send(projectId: string, by: Who, body: Record<string, unknown>): Promise<ChatMessage> {
  const res = await sys.api.post(messagesOf(projectId), body, by.token);
  expect(res.status).toBe(201);
  return res.body as ChatMessage;
}
const page = async (projectId: string, by: Who, query = '') => {
  const res = await sys.api.get(`${messagesOf(projectId)}${query}`, by.token);
  expect(res.status).toBe(200);
  return res.body as ChatPage;
};
const unread = async (projectId: string, by: Who) =>
  (await sys.api.get(`${messagesOf(projectId)}/unread`, by.token)).body as {
    unread: number;
    latestSeq: number;
  };

describe('chat: who may read and write the thread', () => {
  it('lets the customer, the project staff, admins and service staff in; others get 404 or 403', async () => {
    await send(projectA, who.custA, { text: '请问下周能进场吗？' });
    for (const reader of [who.custA, who.custA2, who.pm, who.eng, who.admin, who.service]) {
      expect((await sys.api.get(messagesOf(projectA), reader.token)).status).toBe(200);
    }
    // Another customer and an engineer not on the project: the thread does not exist for them.
    for (const outsider of [who.custB, who.outsider]) {
      expect((await sys.api.get(messagesOf(projectA), outsider.token)).status).toBe(404);
      expect((await sys.api.post(messagesOf(projectA), { text: '你好' }, outsider.token)).status).toBe(404);
      expect((await sys.api.get(`${messagesOf(projectA)}/unread`, outsider.token)).status).toBe(404);
      expect(
        (await sys.api.get(`${messagesOf(projectA)}/wait?after=0&timeoutMs=0`, outsider.token)).status,
      ).toBe(404);
    }
    // Finance and sales have no part in the conversation.
    expect((await sys.api.get(messagesOf(projectA), who.finance.token)).status).toBe(403);
    expect((await sys.api.get(messagesOf(projectA), who.sales.token)).status).toBe(403);
    expect((await sys.api.post(messagesOf(projectA), { text: '' }, who.custA.token)).status).toBe(400);
  });
});

describe('chat: API description', () => {
  it('documents the chat and response-time endpoints in the OpenAPI document', async () => {
    const doc = await sys.api.get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/projects/{id}/messages',
        '/projects/{id}/messages/wait',
        '/messages/unread',
        '/messages/{id}/retract',
        '/insights/response-times',
      ]),
    );
  });
});

describe('chat: messages and pages', () => {
  it('numbers the thread and pages newest first, back with `before` and forward with `after`', async () => {
    const thread = await project('C-P', customerA, []);
    const sent: ChatMessage[] = [];
    for (let i = 1; i <= 5; i += 1)
      sent.push(await send(thread, i % 2 ? who.custA : who.pm, { text: `第${i}条` }));
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(sent[0]!.author).toMatchObject({ side: 'customer', id: who.custA.id });
    expect(sent[1]!.author).toMatchObject({ side: 'staff', name: '项目经理张伟', role: 'pm' });

    const first = await page(thread, who.custA, '?limit=2');
    expect(first.items.map((m) => m.text)).toEqual(['第5条', '第4条']);
    expect(first.hasMore).toBe(true);
    const older = await page(thread, who.custA, `?limit=2&before=${first.items[1]!.seq}`);
    expect(older.items.map((m) => m.seq)).toEqual([3, 2]);
    const oldest = await page(thread, who.custA, `?limit=2&before=2`);
    expect(oldest).toMatchObject({ hasMore: false });
    expect(oldest.items.map((m) => m.seq)).toEqual([1]);
    // Catching up from seq 1: the oldest newer ones first in time, shown newest first.
    const newer = await page(thread, who.custA, '?limit=3&after=1');
    expect(newer.items.map((m) => m.seq)).toEqual([4, 3, 2]);
    expect(newer.hasMore).toBe(true);
    expect((await page(thread, who.custA, '?after=5')).items).toEqual([]);
    expect(first.items[0]!.mine).toBe(true);
    expect((await page(thread, who.pm, '?limit=1')).items[0]!.mine).toBe(false);
  });

  it('posts a resent message (same clientKey) only once', async () => {
    const body = { text: '这条可能发了两次', clientKey: 'client-key-0001' };
    const a = await send(projectA, who.custA, body);
    const b = await send(projectA, who.custA, body);
    expect(b.id).toBe(a.id);
    const texts = (await page(projectA, who.pm, '?limit=100')).items.filter((m) => m.text === body.text);
    expect(texts).toHaveLength(1);
  });

  it('carries images as customer-visible project files; a file of someone else is refused', async () => {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();
    const upload = async (token: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), '裂缝.jpg');
      const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const mine = await upload(who.custA.token);
    const msg = await send(projectA, who.custA, { text: '墙上有裂缝', fileIds: [mine] });
    expect(msg.attachments).toHaveLength(1);
    expect(msg.attachments[0]).toMatchObject({ id: mine, mime: 'image/jpeg', customerVisible: true });
    const seenByPm = (await page(projectA, who.pm, '?limit=1')).items[0]!;
    expect(seenByPm.attachments.map((f) => f.id)).toEqual([mine]);
    const image = await fetch(`${sys.baseUrl}${seenByPm.attachments[0]!.url}`);
    expect(image.status).toBe(200);

    const foreign = await upload(who.custB.token);
    expect((await sys.api.post(messagesOf(projectA), { fileIds: [foreign] }, who.custA.token)).status).toBe(
      400,
    );
  });
});

describe('chat: unread counts', () => {
  it('counts what others wrote after my marker, per reader, and sums my threads', async () => {
    const thread = await project('C-U', customerA, [who.eng.id]);
    for (const text of ['一', '二', '三']) await send(thread, who.custA, { text });
    expect((await unread(thread, who.pm)).unread).toBe(3);
    expect((await unread(thread, who.eng)).unread).toBe(3);
    // The author has read their own words; the second account of the same customer has not.
    expect((await unread(thread, who.custA)).unread).toBe(0);
    expect((await unread(thread, who.custA2)).unread).toBe(3);

    const summary = await sys.api.get('/api/v1/messages/unread', who.pm.token);
    expect(summary.body.items).toContainEqual({ projectId: thread, projectName: '项目C-U', unread: 3 });

    const read = await sys.api.post(`${messagesOf(thread)}/read`, { upTo: 2 }, who.pm.token);
    expect(read.body).toMatchObject({ unread: 1, lastReadSeq: 2, latestSeq: 3 });
    // A stale marker from another device never makes read messages unread again; far ahead is clamped.
    await sys.api.post(`${messagesOf(thread)}/read`, { upTo: 1 }, who.pm.token);
    expect((await unread(thread, who.pm)).unread).toBe(1);
    const all = await sys.api.post(`${messagesOf(thread)}/read`, { upTo: 999 }, who.pm.token);
    expect(all.body).toMatchObject({ unread: 0, lastReadSeq: 3 });

    // The PM's reply is unread for the customer's accounts, and the PM's marker follows his own message.
    await send(thread, who.pm, { text: '收到，明天到现场看' });
    expect((await unread(thread, who.custA)).unread).toBe(1);
    expect((await unread(thread, who.pm)).unread).toBe(0);
    const custSummary = await sys.api.get('/api/v1/messages/unread', who.custA2.token);
    expect(custSummary.body.items.find((i: { projectId: string }) => i.projectId === thread)).toMatchObject({
      unread: 4,
    });
    const other = await sys.api.get('/api/v1/messages/unread', who.custB.token);
    expect(other.body).toEqual({ total: 0, items: [] });
  });
});

describe('chat: retracting keeps the trace', () => {
  it('lets the author retract within 2 minutes; readers see the trace, admins the original, audit the rest', async () => {
    const thread = await project('C-R', customerA, []);
    const msg = await send(thread, who.custA, { text: '总价写错了，是 38 万' });
    expect((await sys.api.post(`/api/v1/messages/${msg.id}/retract`, undefined, who.pm.token)).status).toBe(
      403,
    );
    expect(
      (await sys.api.post(`/api/v1/messages/${msg.id}/retract`, undefined, who.custB.token)).status,
    ).toBe(404);
    const res = await sys.api.post(`/api/v1/messages/${msg.id}/retract`, undefined, who.custA.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ retracted: true, text: '', original: null });

    const forPm = (await page(thread, who.pm)).items[0]!;
    expect(forPm).toMatchObject({
      id: msg.id,
      seq: 1,
      retracted: true,
      text: '',
      attachments: [],
      original: null,
    });
    const forAdmin = (await page(thread, who.admin)).items[0]!;
    expect(forAdmin).toMatchObject({ retracted: true, text: '', original: { text: '总价写错了，是 38 万' } });
    expect(await sys.server.container.models.chatMessages.countDocuments({ _id: msg.id })).toBe(1);
    expect((await unread(thread, who.pm)).unread).toBe(0);
    const audit = await sys.server.container.audit.forResource('chat_message', msg.id);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'chat.message_retracted',
        before: expect.objectContaining({ text: '总价写错了，是 38 万' }),
      }),
    ]);

    const late = await send(thread, who.custA, { text: '三分钟前的话' });
    // Straight to the collection: mongoose treats createdAt as immutable.
    await sys.server.container.models.chatMessages.collection.updateOne(
      { _id: new Types.ObjectId(late.id) },
      { $set: { createdAt: new Date(Date.now() - 3 * 60_000) } },
    );
    const refused = await sys.api.post(`/api/v1/messages/${late.id}/retract`, undefined, who.custA.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CHAT_RETRACT_EXPIRED');
  });
});

describe('chat: long polling', () => {
  const wait = (projectId: string, by: Who, after: number, timeoutMs: number) =>
    sys.api.get<ChatPage>(`${messagesOf(projectId)}/wait?after=${after}&timeoutMs=${timeoutMs}`, by.token);

  it('answers at once when there is something newer, wakes on a new message, and times out empty', async () => {
    const thread = await project('C-W', customerA, []);
    await send(thread, who.custA, { text: '在吗？' });
    const now = await wait(thread, who.pm, 0, 20_000);
    expect(now.body.items.map((m) => m.seq)).toEqual([1]);

    const started = Date.now();
    const pending = wait(thread, who.pm, 1, 20_000);
    await new Promise((r) => setTimeout(r, 400));
    await send(thread, who.custA, { text: '楼上漏水了' });
    const woken = await pending;
    expect(woken.status).toBe(200);
    expect(woken.body.items.map((m) => m.text)).toEqual(['楼上漏水了']);
    expect(Date.now() - started).toBeLessThan(5_000);

    const quietStart = Date.now();
    const quiet = await wait(thread, who.pm, 2, 600);
    expect(quiet.body.items).toEqual([]);
    expect(Date.now() - quietStart).toBeGreaterThanOrEqual(550);
    expect(sys.server.container.chatWaits.pending).toBe(0);
  });

  it('wakes a waiter on a retraction and tells which message was retracted', async () => {
    const thread = await project('C-WR', customerA, []);
    const msg = await send(thread, who.custA, { text: '发错了' });
    const pending = wait(thread, who.pm, 1, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    await sys.api.post(`/api/v1/messages/${msg.id}/retract`, undefined, who.custA.token);
    const woken = await pending;
    expect(woken.body).toMatchObject({ items: [], retractedSeqs: [1] });
  });

  it('hears announcements through Redis, as another API instance would', async () => {
    const redis = sys.server.container.redis.duplicate();
    const elsewhere = new ChatWaits(redis, createLogger('silent'));
    try {
      const waiter = await elsewhere.listen(projectA, 10_000);
      const started = Date.now();
      await send(projectA, who.pm, { text: '通知：周五停水' });
      await waiter.done;
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await elsewhere.close();
      redis.disconnect();
    }
  });
});

describe('chat: notices are coalesced, and the first unanswered customer message starts a response clock', () => {
  const chatNotices = (recipientId: string, projectId: string) =>
    sys.server.container.models.notices.countDocuments({
      eventType: 'chat.message',
      channel: 'inbox',
      recipientId,
      'content.page': { $regex: projectId },
    });

  it('sends 5 messages in a row as one notice to each account of the other side', async () => {
    const thread = await project('C-N', customerA, [who.eng.id]);
    for (let i = 1; i <= 5; i += 1) await send(thread, who.pm, { text: `进度更新 ${i}` });
    expect(await chatNotices(who.custA.id, thread)).toBe(1);
    expect(await chatNotices(who.custA2.id, thread)).toBe(1);
    expect(await chatNotices(who.eng.id, thread)).toBe(0); // the PM's colleagues are not the other side

    for (let i = 1; i <= 3; i += 1) await send(thread, who.custA, { text: `问题 ${i}` });
    expect(await chatNotices(who.pm.id, thread)).toBe(1);
    expect(await chatNotices(who.eng.id, thread)).toBe(1);
    const notice = await sys.server.container.models.notices
      .findOne({
        eventType: 'chat.message',
        channel: 'inbox',
        recipientId: who.pm.id,
        'content.page': { $regex: thread },
      })
      .lean();
    expect(notice?.content.title).toBe('新消息');
    expect(notice?.content.body).toMatch(/：问题 1$/); // the first message of the burst
  });

  it('opens one clock per unanswered run of customer messages; the first staff reply stops it', async () => {
    const thread = await project('C-K', customerA, []);
    const clocks = () =>
      sys.server.container.models.responseClocks
        .find({ projectId: new Types.ObjectId(thread) })
        .sort({ openedAt: 1 })
        .lean();
    const q1 = await send(thread, who.custA, { text: '什么时候验收？' });
    await send(thread, who.custA2, { text: '还有，钥匙在谁那里？' });
    expect(await clocks()).toEqual([
      expect.objectContaining({ key: `chat:${thread}:${q1.id}`, kind: 'chat', answeredAt: null }),
    ]);
    const reply = await send(thread, who.service, { text: '您好，周三验收，钥匙在项目部' });
    await send(thread, who.pm, { text: '补充：下午两点' });
    const [answered] = await clocks();
    expect(answered).toMatchObject({ answeredBy: { id: who.service.id, name: '客服小王' } });
    expect(answered!.responseSeconds).toBe(
      Math.round((Date.parse(reply.createdAt) - Date.parse(q1.createdAt)) / 1000),
    );
    const q3 = await send(thread, who.custA, { text: '好的，谢谢' });
    const all = await clocks();
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ key: `chat:${thread}:${q3.id}`, answeredAt: null });
  });
});

describe('chat: shutdown', () => {
  it('answers pending long polls when the server shuts down instead of holding the drain', async () => {
    const pending = sys.api.get(`${messagesOf(projectB)}/wait?after=0&timeoutMs=25000`, who.custB.token);
    await new Promise((r) => setTimeout(r, 300));
    expect(sys.server.container.chatWaits.pending).toBe(1);
    const started = Date.now();
    closed = true;
    await sys.close();
    const res = await pending;
    expect(res.status).toBeLessThan(600);
    expect(Date.now() - started).toBeLessThan(sys.config.http.shutdownGraceMs);
  });
});
