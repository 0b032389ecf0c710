import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * Notifications in the H5 build: the unread badge on the home screen, the inbox, subscribe
 * consent through the simulated WeChat dialog, and notification preferences. Events are published
 * and delivered by the real server's event bus and outbox worker.
 */
const MILESTONE_TEMPLATE = 'TPL_MILESTONE_AWAITING';

jest.setTimeout(120_000);

// Taro's H5 router slides a new page in; let it come to rest before each screenshot.
const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, expectText, screenshot } = h5;

/** The badge's count once it reads `expected` (it is fetched again each time home shows). */
async function expectUnread(expected: number): Promise<void> {
  await expectText(h5.page.locator('#unread-count'), String(expected));
  expect((await h5.page.locator('#unread-count').innerText()).trim()).toBe(String(expected));
}

function milestoneGrant(templates: { templateId: string; remaining: number }[]): number | undefined {
  return templates.find((t) => t.templateId === MILESTONE_TEMPLATE)?.remaining;
}

async function publishMilestone(customerId: string, milestoneId: string, milestoneName: string) {
  await publishOnly(customerId, milestoneId, milestoneName);
  await h5.system.server.container.outboxWorker.drain();
}

async function publishOnly(customerId: string, milestoneId: string, milestoneName: string) {
  await h5.system.server.container.events.publish(
    'milestone.awaiting_confirmation',
    {
      customerId,
      projectName: '华景·滨江苑三期住宅楼',
      milestoneName,
      milestoneId,
      submittedAt: new Date().toISOString(),
    },
    { id: `milestone.awaiting_confirmation:${milestoneId}` },
  );
}

it('shows unread notifications on the home badge and in the inbox, and asks subscribe consent', async () => {
  const openid = 'o_e2e_inbox_customer';
  const { customer } = await h5.system.seed.customerWithPortal({
    openid,
    customerName: '上海宏达建设有限公司',
  });
  await h5.signInCustomer(openid);
  await expectUnread(0);

  await publishMilestone(customer.id, 'm1', '主体结构封顶');
  await publishMilestone(customer.id, 'm2', '地下室防水验收');
  await h5.page.reload();
  await expectUnread(2);
  await screenshot('home-badge');

  await h5.page.locator('#inbox-entry').click();
  const items = h5.page.locator('[id^="inbox-item-"]');
  await items.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(await items.count()).toBe(2);
  expect(await h5.page.locator('[id^="inbox-item-"].unread').count()).toBe(2);
  // Newest first.
  await expect(items.nth(0).innerText()).resolves.toContain('地下室防水验收');
  await expect(items.nth(1).innerText()).resolves.toContain('主体结构封顶');
  await expectText(items, '节点待确认');
  await screenshot('inbox');

  // The item points at the milestone it is about: opening it marks it read and opens that page.
  await items.nth(1).click();
  await h5.page.waitForURL(/pages\/projects\/milestone\/index\?id=m1/, { timeout: UI_TIMEOUT });
  // A hash-only goto is handled by the router in place; reload so home starts fresh.
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/home/index`);
  await h5.page.reload();
  await expectText(h5.page.locator('.home-title'), '我的项目');
  await expectUnread(1);

  await h5.page.locator('#inbox-entry').click();
  await h5.page
    .locator('[id^="inbox-item-"].unread')
    .first()
    .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(await h5.page.locator('[id^="inbox-item-"].unread').count()).toBe(1);
  await button('read-all').click();
  await h5.page.waitForFunction(
    () => document.querySelectorAll('[id^="inbox-item-"].unread').length === 0,
    null,
    {
      timeout: UI_TIMEOUT,
    },
  );
  await h5.page.goBack();
  await expectUnread(0);

  // Consent: the simulated WeChat dialog accepts, the server records one grant per accept.
  const token = await h5.system.loginWechat(openid);
  const before = await h5.system.api.get('/api/v1/subscriptions?moment=milestone_confirm', token);
  expect(before.status).toBe(200);
  expect(milestoneGrant(before.body.templates)).toBe(0);
  const recorded = h5.page.waitForResponse(
    (res) => res.url().endsWith('/api/v1/subscriptions') && res.request().method() === 'POST',
  );
  await button('subscribe-consent').click();
  expect((await recorded).status()).toBe(200);
  const after = await h5.system.api.get('/api/v1/subscriptions?moment=milestone_confirm', token);
  expect(milestoneGrant(after.body.templates)).toBeGreaterThanOrEqual(1);

  // The simulator holds the grant too: the next event reaches WeChat as a subscribe message.
  await publishMilestone(customer.id, 'm3', '二次结构完成');
  const sent = h5.system.sim
    .messages()
    .filter((m) => m.kind === 'subscribe' && m.openid === openid && m.templateId === MILESTONE_TEMPLATE);
  expect(sent).toHaveLength(1);
});

it('shows 暂无消息 for an empty inbox', async () => {
  const openid = 'o_e2e_inbox_empty';
  await h5.system.seed.customerWithPortal({ openid, customerName: '苏州新城置业有限公司' });
  await h5.signInCustomer(openid);
  await h5.page.locator('#inbox-entry').click();
  await expectText(h5.page.locator('#inbox-empty'), '暂无消息');
  expect(await h5.page.locator('[id^="inbox-item-"]').count()).toBe(0);
});

it('loads older notifications with 加载更多', async () => {
  const openid = 'o_e2e_inbox_many';
  const { customer } = await h5.system.seed.customerWithPortal({
    openid,
    customerName: '南京锦程建设有限公司',
  });
  for (let i = 1; i <= 22; i += 1) await publishOnly(customer.id, `many-${i}`, `节点${i}`);
  await h5.system.server.container.outboxWorker.drain();

  await h5.signInCustomer(openid);
  await expectUnread(22);
  await h5.page.locator('#inbox-entry').click();
  const items = h5.page.locator('[id^="inbox-item-"]');
  await button('load-more').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  expect(await items.count()).toBe(20);
  await button('load-more').click();
  await h5.page.waitForFunction(() => document.querySelectorAll('[id^="inbox-item-"]').length === 22, null, {
    timeout: UI_TIMEOUT,
  });
  // The outbox delivers concurrently, so creation order need not follow publish order: check that
  // the second page continued the first without gaps or repeats.
  const names = (await items.allInnerTexts()).map((text) => /「(节点\d+)」/.exec(text)?.[1]);
  expect([...names].sort()).toEqual(Array.from({ length: 22 }, (_, i) => `节点${i + 1}`).sort());
  await button('load-more').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
});

it('saves notification preferences', async () => {
  const openid = 'o_e2e_preferences';
  await h5.system.seed.customerWithPortal({ openid, customerName: '杭州远景建设有限公司' });
  await h5.signInCustomer(openid);

  await h5.page.locator('#preferences-entry').click();
  const row = h5.page.locator('#pref-milestone-awaiting_confirmation');
  await expectText(row, '节点待确认');
  const toggle = h5.page.locator('#pref-switch-milestone-awaiting_confirmation');
  await expect(toggle.getAttribute('class')).resolves.not.toContain('nut-switch-close');
  await toggle.click();
  await expect(toggle.getAttribute('class')).resolves.toContain('nut-switch-close');
  const changeDigest = h5.page
    .locator('#pref-change_request-quoted .nut-radio-button')
    .filter({ hasText: '每日汇总' });
  await changeDigest.click();
  await expect(changeDigest.getAttribute('class')).resolves.toContain('nut-radio-button-active');
  await button('preferences-save').click();
  await expectText(h5.page.locator('body'), '已保存');
  await screenshot('preferences');

  await h5.page.reload();
  await expectText(h5.page.locator('#pref-milestone-awaiting_confirmation'), '节点待确认');
  await expect(toggle.getAttribute('class')).resolves.toContain('nut-switch-close');
  await expect(changeDigest.getAttribute('class')).resolves.toContain('nut-radio-button-active');

  const token = await h5.system.loginWechat(openid);
  const res = await h5.system.api.get('/api/v1/me/preferences', token);
  expect(res.status).toBe(200);
  const saved = res.body.preferences as { eventType: string; enabled: boolean; mode: string }[];
  expect(saved.find((p) => p.eventType === 'milestone.awaiting_confirmation')).toMatchObject({
    enabled: false,
  });
  expect(saved.find((p) => p.eventType === 'change_request.quoted')).toMatchObject({
    enabled: true,
    mode: 'digest',
  });
});
