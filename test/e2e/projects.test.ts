import { projectQrText } from '@gantry/shared';
import { uploadPhoto } from '../support/portal-project';
import { useBrowser, UI_TIMEOUT } from './harness';
import { projectSteps, samplePng, type Cast } from './projects-steps';

/**
 * The milestone round trip in the H5 build: an engineer submits a milestone with a photo chosen
 * through the page's file chooser, the customer (simulated WeChat sign-in) confirms it, and the
 * engineer sees it confirmed. Subscribe consent is asked on the confirm tap: WeChat gets a subscribe
 * message for the next milestone only when the customer accepted; the inbox gets it either way.
 */
const MILESTONE_TEMPLATE = 'TPL_MILESTONE_AWAITING';

jest.setTimeout(180_000);

const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, expectText, screenshot } = h5;
const { cast, signInEngineer, signInCustomer, openMilestone } = projectSteps(h5);

/** The engineer starts the milestone, picks a photo through the file chooser and submits it. */
async function submitThroughUi(milestoneId: string): Promise<void> {
  await button('milestone-start').click({ timeout: UI_TIMEOUT });
  await h5.page.locator('#submit-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await h5.page.locator('#submit-note textarea').fill('基础混凝土浇筑完成，强度报告合格');

  const chooser = h5.page.waitForEvent('filechooser');
  const uploaded = h5.page.waitForResponse(
    (res) => res.url().endsWith('/api/v1/files') && res.request().method() === 'POST',
  );
  await h5.page.locator('#submit-add').click();
  await (await chooser).setFiles({ name: '基础.png', mimeType: 'image/png', buffer: await samplePng() });
  const upload = await uploaded;
  expect(upload.status()).toBe(201);
  const fileId = ((await upload.json()) as { id: string }).id;
  await h5.page.locator(`#submit-photo-${fileId}`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });

  const submitted = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/milestones/${milestoneId}/submit`),
  );
  await button('milestone-submit').click();
  expect((await submitted).status()).toBe(200);
  await expectText(h5.page.locator('#milestone-status'), '待客户确认');
  await h5.page
    .locator(`#round-1-evidence-photo-${fileId}`)
    .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

/** The customer sees the milestone awaiting confirmation with its photo and confirms it. */
async function confirmThroughUi(c: Cast, milestoneId: string, name: string): Promise<void> {
  await h5.page.locator('#projects-entry').click();
  await h5.page.locator(`#project-item-${c.projectId}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator(`#milestone-status-${milestoneId}`), '待客户确认');
  await expectText(h5.page.locator('#project-timeline'), `「${name}」已完工，待客户确认`);
  await h5.page.locator(`#milestone-item-${milestoneId}`).click();
  await expectText(h5.page.locator('#milestone-status'), '待客户确认');
  await expectText(h5.page.locator('#round-1-evidence'), '强度报告合格');
  expect(await h5.page.locator('#round-1-evidence [id^="round-1-evidence-photo-"]').count()).toBe(1);
  await screenshot(`projects-confirm-${c.openid}`);

  const consent = h5.page.waitForResponse(
    (res) => res.url().endsWith('/api/v1/subscriptions') && res.request().method() === 'POST',
  );
  const confirmed = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/milestones/${milestoneId}/confirm`),
  );
  await button('milestone-confirm').click();
  expect((await consent).status()).toBe(200);
  expect((await confirmed).status()).toBe(200);
  await expectText(h5.page.locator('#milestone-status'), '已确认');
}

/** The next milestone submitted through the API: its awaiting notice goes out to the customer. */
async function submitNextByApi(c: Cast): Promise<void> {
  const sys = h5.system;
  const next = c.milestones[1]!;
  expect((await sys.api.post(`/api/v1/milestones/${next.id}/start`, {}, c.engineer.token)).status).toBe(200);
  const photo = await uploadPhoto(sys, c.engineer.token, c.projectId, true);
  const res = await sys.api.post(
    `/api/v1/milestones/${next.id}/submit`,
    { note: '主体结构封顶', photoIds: [photo.id] },
    c.engineer.token,
  );
  expect(res.status).toBe(200);
  await sys.server.container.outboxWorker.drain();
}

function subscribeMessagesTo(openid: string) {
  return h5.system.sim
    .messages()
    .filter((m) => m.kind === 'subscribe' && m.openid === openid && m.templateId === MILESTONE_TEMPLATE);
}

async function awaitingNotices(openid: string): Promise<number> {
  const token = await h5.system.loginWechat(openid);
  const inbox = await h5.system.api.get('/api/v1/notifications?limit=50', token);
  expect(inbox.status).toBe(200);
  return (inbox.body.items as { eventType: string }[]).filter(
    (i) => i.eventType === 'milestone.awaiting_confirmation',
  ).length;
}

async function roundTrip(c: Cast, decision: 'accept' | 'reject'): Promise<void> {
  const first = c.milestones[0]!;

  await signInEngineer(c.engineer);
  await openMilestone(c.projectId, first.id);
  await submitThroughUi(first.id);
  await screenshot(`projects-submitted-${decision}`);
  await h5.system.server.container.outboxWorker.drain();
  // No consent yet: the first notice reaches the inbox only.
  expect(subscribeMessagesTo(c.openid)).toHaveLength(0);

  await signInCustomer(c.openid, decision);
  await confirmThroughUi(c, first.id, first.name);

  await signInEngineer(c.engineer);
  await openMilestone(c.projectId, first.id);
  await expectText(h5.page.locator('#milestone-status'), '已确认');
  await expectText(h5.page.locator('#round-1-decision'), '已确认');
  await screenshot(`projects-engineer-sees-confirmed-${decision}`);

  await submitNextByApi(c);
}

it('engineer submits with a photo, the customer confirms granting consent, WeChat gets the next notice', async () => {
  const c = await cast('acc');
  await roundTrip(c, 'accept');
  expect(subscribeMessagesTo(c.openid)).toHaveLength(1);
  expect(await awaitingNotices(c.openid)).toBe(2);
});

it('a customer who refuses consent still confirms; the next notice reaches the inbox only', async () => {
  const c = await cast('rej');
  await roundTrip(c, 'reject');
  expect(subscribeMessagesTo(c.openid)).toHaveLength(0);
  expect(await awaitingNotices(c.openid)).toBe(2);
});

it('engineer scans the project code to write a daily log and works a site issue; the customer sees only the visible log', async () => {
  const c = await cast('site');
  await signInEngineer(c.engineer);

  // 扫一扫: in a browser the scanned text is typed into a prompt.
  h5.page.once(
    'dialog',
    (dialog) => void dialog.accept(projectQrText('https://gantry.example.com', c.projectId)),
  );
  await h5.page.locator('#scan-entry').click();
  await h5.page.locator('#daily-log-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT });

  await h5.page.locator('#log-weather-sunny').click();
  await h5.page.locator('#log-headcount input').fill('23');
  await h5.page.locator('#log-work-done textarea').fill('三层顶板钢筋绑扎完成');
  const chooser = h5.page.waitForEvent('filechooser');
  const uploaded = h5.page.waitForResponse((res) => res.url().endsWith('/api/v1/files'));
  await h5.page.locator('#log-add').click();
  await (await chooser).setFiles({ name: '钢筋.png', mimeType: 'image/png', buffer: await samplePng() });
  expect((await uploaded).status()).toBe(201);
  await h5.page.locator('#log-customer-visible').click();
  const saved = h5.page.waitForResponse(
    (res) =>
      res.url().endsWith(`/api/v1/projects/${c.projectId}/daily-logs`) && res.request().method() === 'POST',
  );
  await button('log-save').click();
  expect((await saved).status()).toBe(201);
  const log = h5.page.locator('[id^="log-item-"]');
  await expectText(log, '三层顶板钢筋绑扎完成');
  await expectText(log, '客户可见');
  await expectText(h5.page.locator('.page-title'), '修改今日日志');
  await screenshot('projects-daily-log');

  // An internal site issue, started and resolved.
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/projects/issues/index?id=${c.projectId}`);
  await button('issue-new').click({ timeout: UI_TIMEOUT });
  await h5.page.locator('#issue-title input').fill('东侧脚手架连墙件缺失');
  await h5.page.locator('#issue-severity-high').click();
  const created = h5.page.waitForResponse(
    (res) =>
      res.url().endsWith(`/api/v1/projects/${c.projectId}/issues`) && res.request().method() === 'POST',
  );
  await button('issue-save').click();
  const issueRes = await created;
  expect(issueRes.status()).toBe(201);
  const issueId = ((await issueRes.json()) as { id: string }).id;
  const status = h5.page.locator(`#issue-status-${issueId}`);
  await expectText(status, '待处理');
  await expectText(status, '内部');
  await button(`issue-start-${issueId}`).click();
  await expectText(status, '处理中');
  await button(`issue-resolve-${issueId}`).click();
  await h5.page.locator(`#issue-resolution-${issueId} textarea`).fill('已补设连墙件并复查');
  await button(`issue-resolve-save-${issueId}`).click();
  await expectText(status, '已解决');
  await screenshot('projects-issues');

  // The customer's project home: the visible log with its photo, no internal issue.
  await signInCustomer(c.openid, 'accept');
  await h5.page.locator('#projects-entry').click();
  await h5.page.locator(`#project-item-${c.projectId}`).click({ timeout: UI_TIMEOUT });
  const timeline = h5.page.locator('#project-timeline');
  await expectText(timeline, '三层顶板钢筋绑扎完成');
  expect(await timeline.locator('[id^="timeline-photo-"]').count()).toBe(1);
  expect(await timeline.innerText()).not.toContain('脚手架');
  await screenshot('projects-customer-home');

  // 分享进度: a link for family, readable without an account until it is revoked.
  await h5.page.locator('#project-entry-share').click();
  await h5.page.locator('#share-expiry-3').click({ timeout: UI_TIMEOUT });
  await h5.page.locator('#share-label input').fill('给家人');
  const creating = h5.page.waitForResponse(
    (res) =>
      res.url().endsWith(`/api/v1/projects/${c.projectId}/shares`) && res.request().method() === 'POST',
  );
  await button('share-create').click();
  const createdShare = await creating;
  expect(createdShare.status()).toBe(201);
  const shareId = ((await createdShare.json()) as { id: string }).id;
  await expectText(h5.page.locator(`#share-item-${shareId}`), '给家人');
  const token = /token=([\w-]+)/.exec(await h5.page.locator('#share-url').innerText())?.[1];
  expect(token).toBeTruthy();
  await screenshot('projects-share');

  const anonymous = await h5.page
    .context()
    .browser()!
    .newContext({ viewport: { width: 390, height: 844 } });
  try {
    const viewer = await anonymous.newPage();
    await viewer.goto(`${h5.system.baseUrl}/#/pages/shared/index?token=${token}`);
    const sharedTimeline = viewer.locator('#project-timeline');
    await sharedTimeline.filter({ hasText: '三层顶板钢筋绑扎完成' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await sharedTimeline.innerText()).not.toContain('脚手架');

    const revoked = h5.page.waitForResponse((res) => res.url().endsWith(`/api/v1/shares/${shareId}`));
    await button(`share-revoke-${shareId}`).click();
    expect((await revoked).status()).toBe(204);
    await h5.page.locator(`#share-item-${shareId}`).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await viewer.reload();
    await viewer.locator('#shared-error').filter({ hasText: '已被撤销' }).waitFor({ timeout: UI_TIMEOUT });
  } finally {
    await anonymous.close();
  }
});

it('the customer rejects a submitted milestone with a reason and a photo; it goes back to the site', async () => {
  const c = await cast('back');
  const sys = h5.system;
  const first = c.milestones[0]!;
  expect((await sys.api.post(`/api/v1/milestones/${first.id}/start`, {}, c.engineer.token)).status).toBe(200);
  const photo = await uploadPhoto(sys, c.engineer.token, c.projectId, true);
  const submitted = await sys.api.post(
    `/api/v1/milestones/${first.id}/submit`,
    { note: '基础完工', photoIds: [photo.id] },
    c.engineer.token,
  );
  expect(submitted.status).toBe(200);

  await signInCustomer(c.openid, 'reject');
  await openMilestone(c.projectId, first.id);
  await expectText(h5.page.locator('#milestone-status'), '待客户确认');
  await button('milestone-reject').click();
  await h5.page.locator('#reject-reason textarea').fill('基础东侧有蜂窝麻面，请修补');
  const chooser = h5.page.waitForEvent('filechooser');
  const uploaded = h5.page.waitForResponse((res) => res.url().endsWith('/api/v1/files'));
  await h5.page.locator('#reject-add').click();
  await (await chooser).setFiles({ name: '麻面.png', mimeType: 'image/png', buffer: await samplePng() });
  expect((await uploaded).status()).toBe(201);
  const decided = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/milestones/${first.id}/confirm`),
  );
  await button('reject-submit').click();
  expect((await decided).status()).toBe(200);
  await expectText(h5.page.locator('#milestone-status'), '施工中');
  const decision = h5.page.locator('#round-1-decision');
  await expectText(decision, '已驳回');
  await expectText(decision, '蜂窝麻面');
  expect(await decision.locator('[id^="round-1-decision-photo-"]').count()).toBe(1);
  await screenshot('projects-rejected');

  const after = await sys.api.get(`/api/v1/milestones/${first.id}`, c.engineer.token);
  expect(after.body.status).toBe('in_progress');
  expect(after.body.confirmation).toMatchObject({
    decision: 'reject',
    comment: '基础东侧有蜂窝麻面，请修补',
  });
});

it('the PM reviews the weekly draft and sends it with one tap; the customer then sees it', async () => {
  const c = await cast('week');
  const sys = h5.system;
  const activated = await sys.api.request('PATCH', `/api/v1/projects/${c.projectId}`, {
    token: c.pm.token,
    body: { status: 'active' },
  });
  expect(activated.status).toBe(200);
  const run = await sys.server.container.scheduler.runTick('projects.weekly-reports', new Date());
  expect(run?.outcome).toBe('succeeded');
  const drafts = await sys.api.get(`/api/v1/projects/${c.projectId}/weekly-reports`, c.pm.token);
  expect(drafts.body.items).toHaveLength(1);
  const reportId = drafts.body.items[0].id as string;
  const customerToken = await sys.loginWechat(c.openid);
  const before = await sys.api.get(`/api/v1/projects/${c.projectId}/weekly-reports`, customerToken);
  expect(before.body.items).toHaveLength(0);

  await signInEngineer(c.pm, '项目经理工作台');
  await h5.page.goto(`${sys.baseUrl}/#/pages/projects/home/index?id=${c.projectId}`);
  await h5.page.locator('#project-entry-weekly').click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator(`#weekly-status-${reportId}`), '草稿');
  await h5.page.locator('#weekly-auto-send').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await button(`weekly-toggle-${reportId}`).click();
  await expectText(h5.page.locator(`#weekly-body-${reportId}`), '下周计划');
  const sent = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/weekly-reports/${reportId}/send`),
  );
  await button(`weekly-send-${reportId}`).click();
  expect((await sent).status()).toBe(200);
  await expectText(h5.page.locator(`#weekly-status-${reportId}`), '已发送');
  await screenshot('projects-weekly-sent');

  const after = await sys.api.get(`/api/v1/weekly-reports/${reportId}`, customerToken);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ status: 'sent', autoSent: false, sentBy: { name: '项目经理张伟' } });
});
