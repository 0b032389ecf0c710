import sharp from 'sharp';
import type { ChangeRequest, MilestoneView } from '@gantry/shared';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * A change request from end to end in the H5 build: the customer (simulated WeChat sign-in) asks
 * for a change with a photo, the PM takes it under review and quotes it in 元 from the change
 * inbox, the customer sees the contract total and the completion date before and after and
 * approves, and the milestone dates move — in the API and on the project page.
 */
jest.setTimeout(180_000);

const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, expectText, screenshot } = h5;

const SIGNED_AMOUNT_FEN = 100_000_000; // ¥1,000,000.00
const PLANNED_END = '2027-06-30';
let casts = 0;

interface Cast {
  projectId: string;
  milestones: MilestoneView[];
  pm: { username: string; password: string; token: string };
  openid: string;
}

async function cast(): Promise<Cast> {
  const sys = h5.system;
  const pm = await sys.seed.staff('pm', { name: '项目经理张伟' });
  const admin = await sys.seed.staff('admin', { name: '管理员' });
  const openid = `o_e2e_changes_${++casts}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: `华景置业${casts}` });
  const pmToken = await sys.loginStaff(pm.username, pm.password);
  const created = await sys.api.post(
    '/api/v1/projects',
    {
      name: '华景·滨江苑',
      type: 'residential',
      customerId: customer.id,
      address: '杭州市滨江区江南大道 1 号',
      plannedStart: '2026-09-01',
      plannedEnd: PLANNED_END,
    },
    pmToken,
  );
  expect(created.status).toBe(201);
  const projectId = created.body.id as string;
  const adminToken = await sys.loginStaff(admin.username, admin.password);
  const amount = await sys.api.request('PUT', `/api/v1/projects/${projectId}/contract-amount`, {
    token: adminToken,
    body: { amount: SIGNED_AMOUNT_FEN },
  });
  expect(amount.status).toBe(200);
  return {
    projectId,
    milestones: await milestonesOf(projectId, pmToken),
    pm: { username: pm.username, password: pm.password, token: pmToken },
    openid,
  };
}

async function milestonesOf(projectId: string, token: string): Promise<MilestoneView[]> {
  const list = await h5.system.api.get(`/api/v1/projects/${projectId}/milestones`, token);
  expect(list.status).toBe(200);
  return list.body.items as MilestoneView[];
}

/** A calendar date, or an instant as its Asia/Shanghai date (as the client shows it). */
function day(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return new Date(Date.parse(value) + 8 * 3_600_000).toISOString().slice(0, 10);
}

function plusDays(date: string, days: number): string {
  const d = new Date(`${day(date)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function freshLogin(): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await h5.page.evaluate(() => window.localStorage.clear());
  await h5.page.reload();
}

async function signInPm(user: { username: string; password: string }): Promise<void> {
  await freshLogin();
  await button('staff-entry').click({ timeout: UI_TIMEOUT });
  await h5.input('username-input').fill(user.username);
  await h5.input('password-input').fill(user.password);
  await button('staff-login').click();
  await expectText(h5.page.locator('.home-title'), '项目经理工作台');
}

/** Home → 我的项目 → the project home. */
async function openProject(projectId: string): Promise<void> {
  await h5.page.locator('#projects-entry').click();
  await h5.page.locator(`#project-item-${projectId}`).click({ timeout: UI_TIMEOUT });
  await h5.page.locator('#project-summary').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

async function samplePng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 180, b: 120 } } })
    .png()
    .toBuffer();
}

/** The customer fills the form with a photo chosen through the page's file chooser; returns the new id. */
async function submitRequest(c: Cast): Promise<string> {
  await openProject(c.projectId);
  await h5.page.locator('#project-entry-changes').click();
  await button('change-new').click({ timeout: UI_TIMEOUT });
  await h5.input('change-title').fill('客厅增加吊顶灯槽');
  await h5.page.locator('#change-description textarea').fill('客厅吊顶四周增加暗藏灯槽，配暖光灯带');

  const chooser = h5.page.waitForEvent('filechooser');
  const uploaded = h5.page.waitForResponse(
    (res) => res.url().endsWith('/api/v1/files') && res.request().method() === 'POST',
  );
  await h5.page.locator('#change-add').click();
  await (await chooser).setFiles({ name: '客厅.png', mimeType: 'image/png', buffer: await samplePng() });
  const upload = await uploaded;
  expect(upload.status()).toBe(201);
  const fileId = ((await upload.json()) as { id: string }).id;
  await h5.page.locator(`#change-photo-${fileId}`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });

  const created = h5.page.waitForResponse(
    (res) =>
      res.url().endsWith(`/projects/${c.projectId}/change-requests`) && res.request().method() === 'POST',
  );
  await button('change-submit').click();
  const res = await created;
  expect(res.status()).toBe(201);
  const request = (await res.json()) as ChangeRequest;
  expect(request.photos.map((p) => p.id)).toEqual([fileId]);
  await expectText(h5.page.locator('#change-status'), '已提交');
  return request.id;
}

/** The PM opens the request from the change inbox, takes it under review and quotes ¥12,000.50 and 7 days. */
async function quoteRequest(c: Cast, id: string): Promise<void> {
  await h5.page.locator('#changes-entry').click();
  await h5.page.locator(`#change-item-${id}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#change-description-text'), '暗藏灯槽');
  await button('change-acknowledge').click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#change-status'), '评估中');

  await h5.input('quote-cost-input').fill('12000.50');
  await h5.input('quote-days-input').fill('7');
  await h5.page.locator('#quote-note textarea').fill('含灯带、变压器及石膏板');
  const quoted = h5.page.waitForResponse((res) => res.url().endsWith(`/change-requests/${id}/quote`));
  await button('quote-submit').click();
  expect((await quoted).status()).toBe(200);
  await expectText(h5.page.locator('#change-status'), '已报价待确认');
  await screenshot('changes-pm-quoted');
}

it('customer asks for a change, the PM quotes it, the customer sees the new total and date and approves; the dates move', async () => {
  const c = await cast();
  const newEnd = plusDays(PLANNED_END, 7);

  await h5.signInCustomer(c.openid, 'accept');
  const id = await submitRequest(c);
  await screenshot('changes-customer-submitted');

  await signInPm(c.pm);
  await quoteRequest(c, id);
  const afterQuote = await h5.system.api.get(`/api/v1/change-requests/${id}`, c.pm.token);
  expect(afterQuote.body.quote).toMatchObject({ costDelta: 1_200_050, scheduleDeltaDays: 7 });

  await h5.signInCustomer(c.openid, 'accept');
  await openProject(c.projectId);
  await h5.page.locator('#project-entry-changes').click();
  await h5.page.locator(`#change-item-${id}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#change-status'), '已报价待确认');
  await expectText(h5.page.locator('#quote-cost'), '+¥12,000.50');
  await expectText(h5.page.locator('#impact-current-total'), '¥1,000,000.00');
  await expectText(h5.page.locator('#impact-new-total'), '¥1,012,000.50');
  await expectText(h5.page.locator('#impact-current-completion'), PLANNED_END);
  await expectText(h5.page.locator('#impact-new-completion'), newEnd);
  await screenshot('changes-customer-quote');

  const decided = h5.page.waitForResponse((res) => res.url().endsWith(`/change-requests/${id}/decision`));
  await button('change-approve').click();
  expect((await decided).status()).toBe(200);
  await expectText(h5.page.locator('#change-status'), '已批准');
  await h5.page.locator('#change-outcome').waitFor({ state: 'visible', timeout: UI_TIMEOUT });

  // The API: every (open) milestone and the project end moved by the 7 days, the total by the delta.
  const moved = await milestonesOf(c.projectId, c.pm.token);
  for (const before of c.milestones) {
    const after = moved.find((m) => m.id === before.id)!;
    expect(day(after.plannedEnd)).toBe(plusDays(before.plannedEnd, 7));
  }
  const project = await h5.system.api.get(`/api/v1/projects/${c.projectId}`, c.pm.token);
  expect(day(project.body.plannedEnd as string)).toBe(newEnd);
  const total = await h5.system.api.get(`/api/v1/projects/${c.projectId}/contract-amount`, c.pm.token);
  expect(total.body.currentTotal).toBe(SIGNED_AMOUNT_FEN + 1_200_050);

  // The UI: the project page shows the new plan.
  await h5.page.goBack();
  await h5.page.goBack();
  await expectText(h5.page.locator('#project-variance'), newEnd);
  const last = c.milestones[c.milestones.length - 1]!;
  await expectText(h5.page.locator(`#milestone-item-${last.id}`), plusDays(last.plannedEnd, 7));
  await screenshot('changes-project-moved');
});

it('project chat: the unread count shows on the project page, a staff message arrives by long poll, the customer replies', async () => {
  const c = await cast();
  const sys = h5.system;
  const first = await sys.api.post(
    `/api/v1/projects/${c.projectId}/messages`,
    { text: '您好，我是项目经理张伟，有问题随时找我' },
    c.pm.token,
  );
  expect(first.status).toBe(201);

  await h5.signInCustomer(c.openid, 'accept');
  await openProject(c.projectId);
  await expectText(h5.page.locator('#project-entry-chat'), '项目沟通（1）');
  await h5.page.locator('#project-entry-chat').click();
  await expectText(h5.page.locator('#chat-thread'), '有问题随时找我');

  // The page is open and polling: a new staff message appears without a reload.
  const second = await sys.api.post(
    `/api/v1/projects/${c.projectId}/messages`,
    { text: '明天上午九点现场验收' },
    c.pm.token,
  );
  expect(second.status).toBe(201);
  await expectText(h5.page.locator('#chat-thread'), '明天上午九点现场验收');

  await h5.input('chat-input').fill('好的，我准时到');
  const sent = h5.page.waitForResponse(
    (res) => res.url().endsWith(`/projects/${c.projectId}/messages`) && res.request().method() === 'POST',
  );
  await button('chat-send').click();
  expect((await sent).status()).toBe(201);
  await expectText(h5.page.locator('#chat-thread'), '好的，我准时到');
  await screenshot('changes-chat');

  const thread = await sys.api.get(`/api/v1/projects/${c.projectId}/messages`, c.pm.token);
  expect((thread.body.items as { text: string }[]).map((m) => m.text)).toEqual([
    '好的，我准时到',
    '明天上午九点现场验收',
    '您好，我是项目经理张伟，有问题随时找我',
  ]);
  // What the customer saw is marked read.
  const customerToken = await sys.loginWechat(c.openid);
  const unread = await sys.api.get(`/api/v1/projects/${c.projectId}/messages/unread`, customerToken);
  expect(unread.body.unread).toBe(0);
});

it('complaints: the customer raises one, the PM sees both deadlines on the board (an overdue one in red) and acknowledges', async () => {
  const c = await cast();
  const sys = h5.system;
  // Logged by the PM two days after the customer phoned: its 8-hour response deadline has passed.
  const old = await sys.api.post(
    '/api/v1/complaints',
    {
      projectId: c.projectId,
      category: 'schedule',
      description: '电话投诉：工地周末施工噪音',
      receivedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    },
    c.pm.token,
  );
  expect(old.status).toBe(201);
  expect(old.body.overdue).toBe(true);

  await h5.signInCustomer(c.openid, 'accept');
  await openProject(c.projectId);
  await h5.page.locator('#project-entry-complaint').click();
  await h5.page.locator('#complaint-category-quality').click({ timeout: UI_TIMEOUT });
  await h5.page.locator('#complaint-description textarea').fill('卫生间墙砖空鼓，敲击有空响');
  const created = h5.page.waitForResponse(
    (res) => res.url().endsWith('/api/v1/complaints') && res.request().method() === 'POST',
  );
  await button('complaint-submit').click();
  const res = await created;
  expect(res.status()).toBe(201);
  const complaintId = ((await res.json()) as { id: string }).id;
  await expectText(h5.page.locator('#complaint-status'), '待受理');
  await expectText(h5.page.locator('#complaint-response-due'), '剩');

  await signInPm(c.pm);
  await h5.page.locator('#feedback-entry').click();
  const overdueCard = h5.page.locator(`#complaint-item-${old.body.id as string}`);
  await overdueCard.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(await overdueCard.getAttribute('class')).toMatch(/\boverdue\b/);
  await expectText(h5.page.locator(`#complaint-response-due-${old.body.id as string}`), '已超时');
  const freshCard = h5.page.locator(`#complaint-item-${complaintId}`);
  await freshCard.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(await freshCard.getAttribute('class')).not.toMatch(/\boverdue\b/);
  await screenshot('changes-feedback-board');

  await h5.page.locator('#feedback-scope-overdue').click();
  await freshCard.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await overdueCard.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await h5.page.locator('#feedback-scope-all').click();

  await freshCard.click({ timeout: UI_TIMEOUT });
  await button('complaint-acknowledge').click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#complaint-status'), '处理中');
  const after = await sys.api.get(`/api/v1/complaints/${complaintId}`, c.pm.token);
  expect(after.body.status).toBe('acknowledged');
  expect(after.body.acknowledgedBy.name).toBe('项目经理张伟');
});
