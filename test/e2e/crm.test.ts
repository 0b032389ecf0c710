import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * The salesperson's CRM pages in the H5 build: find a customer, read its score explanation, open
 * its opportunity and move it one stage forward, against the real server.
 */
jest.setTimeout(120_000);

// Taro's H5 router slides a new page in; let it come to rest before each screenshot.
const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, input, expectText, screenshot } = h5;

/** Password sign-in from the login page, ending on the sales home screen. */
async function signInStaff(user: { username: string; password: string }): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await button('staff-entry').click({ timeout: UI_TIMEOUT });
  await input('username-input').fill(user.username);
  await input('password-input').fill(user.password);
  await button('staff-login').click();
  await expectText(h5.page.locator('.home-title'), '销售工作台');
}

it('finds a customer, explains its score and moves its opportunity to the next stage', async () => {
  const sales = await h5.system.seed.staff('sales', {
    username: 'e2e.crm.sales',
    password: 'Passw0rd!crm',
    name: '李销售',
  });
  const token = await h5.system.loginStaff(sales.username, sales.password);
  const created = await h5.system.api.post(
    '/api/v1/customers',
    {
      name: '杭州恒信建设工程有限公司',
      type: 'developer',
      contacts: [{ name: '陈经理', title: '采购部', phone: '13800138000' }],
      tags: ['住宅'],
    },
    token,
  );
  expect(created.status).toBe(201);
  const customerId = created.body.id as string;
  // A second customer the search must filter out.
  const other = await h5.system.api.post(
    '/api/v1/customers',
    { name: '宁波港城置业有限公司', type: 'private_company' },
    token,
  );
  expect(other.status).toBe(201);
  const opp = await h5.system.api.post(
    '/api/v1/opportunities',
    { customerId, name: '恒信·城西综合体主体施工', expectedAmount: 12_345_600 },
    token,
  );
  expect(opp.status).toBe(201);
  const opportunityId = opp.body.id as string;
  expect(opp.body.stage).toBe('intention');

  // Sign in as the salesperson.
  await signInStaff(sales);

  // 客户列表: search by name.
  await h5.page.locator('#customers-entry').click();
  const items = h5.page.locator('[id^="customer-item-"]');
  await expectText(items, '宁波港城置业有限公司');
  await input('customer-search').fill('恒信');
  await h5.page.waitForFunction(
    () => {
      const rows = document.querySelectorAll('[id^="customer-item-"]');
      return rows.length === 1 && (rows[0]?.textContent ?? '').includes('恒信');
    },
    null,
    { timeout: UI_TIMEOUT },
  );
  const item = h5.page.locator(`#customer-item-${customerId}`);
  await expectText(item, '开发商');
  await expectText(item, '普通');
  await screenshot('crm-customers');

  // 客户详情: contacts, tags, the score explanation and the opportunity.
  await item.click();
  await expectText(h5.page.locator('#customer-name'), '杭州恒信建设工程有限公司');
  await expectText(h5.page.locator('#customer-contacts'), '陈经理');
  await expectText(h5.page.locator('#customer-tags'), '住宅');
  const explanation = h5.page.locator('#score-explanation');
  await expectText(explanation, '分级依据');
  await expectText(explanation, '近 12 个月合同额');
  expect(await explanation.locator('[id^="score-factor-"]').count()).toBe(5);
  await expectText(h5.page.locator('#tier-reason'), '潜力客户规则');
  const oppItem = h5.page.locator(`#opportunity-item-${opportunityId}`);
  await expectText(oppItem, '意向');
  await expectText(oppItem, '¥123,456.00');
  await screenshot('crm-customer-detail');

  // 商机详情: move it forward.
  await oppItem.click();
  await expectText(h5.page.locator('#opportunity-stage'), '意向');
  await expectText(h5.page.locator('#opportunity-amount'), '¥123,456.00');
  const moved = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/opportunities/${opportunityId}/stage`),
  );
  await button('next-stage').click();
  expect((await moved).status()).toBe(200);
  await expectText(h5.page.locator('#opportunity-stage'), '洽谈');
  await screenshot('crm-opportunity-detail');

  const after = await h5.system.api.get(`/api/v1/opportunities/${opportunityId}`, token);
  expect(after.status).toBe(200);
  expect(after.body.stage).toBe('negotiation');

  // A quote (version 1) drives the expected amount; then back one stage; then a close date.
  await input('quote-amount').fill('150000');
  await input('quote-note').fill('含钢结构');
  await button('add-quote').click();
  await expectText(h5.page.locator('#quote-1'), '第 1 版 ¥150,000.00 · 含钢结构');
  await expectText(h5.page.locator('#opportunity-amount'), '¥150,000.00');
  await button('back-to-intention').click();
  await expectText(h5.page.locator('#opportunity-stage'), '意向');
  await button('edit-opportunity').click();
  await input('edit-close-date').fill('2027-03-31');
  await button('save-opportunity').click();
  await expectText(h5.page.locator('#opportunity-close-date'), '2027-03-31');
  const edited = await h5.system.api.get(`/api/v1/opportunities/${opportunityId}`, token);
  expect(edited.body).toMatchObject({
    stage: 'intention',
    expectedAmount: 15_000_000,
    expectedCloseDate: '2027-03-31',
    latestQuoteVersion: 1,
  });
});

/** Pixels of a canvas that are not transparent: an empty or failed chart has none. Runs in the page. */
function paintedPixels(selector: string): number {
  const canvas = document.querySelector<HTMLCanvasElement>(selector);
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx || canvas.width === 0 || canvas.height === 0) return 0;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
  return painted;
}

it('shows the pipeline board with the funnel chart, and marks an opportunity lost with a reason', async () => {
  const sales = await h5.system.seed.staff('sales', { password: 'Passw0rd!crm' });
  const token = await h5.system.loginStaff(sales.username, sales.password);
  const customer = await h5.system.api.post(
    '/api/v1/customers',
    { name: '苏州嘉禾建筑有限公司', type: 'developer' },
    token,
  );
  expect(customer.status).toBe(201);
  const opp = await h5.system.api.post(
    '/api/v1/opportunities',
    { customerId: customer.body.id, name: '嘉禾·厂房扩建', expectedAmount: 500_000 },
    token,
  );
  expect(opp.status).toBe(201);
  const second = await h5.system.api.post(
    '/api/v1/opportunities',
    { customerId: customer.body.id, name: '嘉禾·办公楼装修', expectedAmount: 2_000_000 },
    token,
  );
  expect(second.status).toBe(201);
  const moved = await h5.system.api.post(
    `/api/v1/opportunities/${second.body.id}/stage`,
    { stage: 'negotiation' },
    token,
  );
  expect(moved.status).toBe(200);

  await signInStaff(sales);
  await h5.page.locator('#funnel-entry').click();
  await expectText(h5.page.locator('#funnel-stage-intention'), '1 个');
  await expectText(h5.page.locator('#funnel-stage-intention'), '¥5,000.00');
  await expectText(h5.page.locator('#funnel-stage-negotiation'), '¥20,000.00');

  // Cards grouped by stage.
  const intention = h5.page.locator('#stage-column-intention');
  await expectText(intention.locator(`#opportunity-card-${opp.body.id}`), '嘉禾·厂房扩建');
  await expectText(
    h5.page.locator(`#stage-column-negotiation #opportunity-card-${second.body.id}`),
    '嘉禾·办公楼装修',
  );
  expect(await intention.locator('[id^="opportunity-card-"]').count()).toBe(1);
  await expectText(h5.page.locator('#stage-column-lost'), '暂无商机');

  // The funnel chart is drawn: ECharts' canvas has painted pixels.
  const chart = '#funnel-chart canvas';
  await h5.page.waitForFunction(`(${paintedPixels.toString()})('${chart}') > 1000`, null, {
    timeout: UI_TIMEOUT,
  });
  expect(await h5.page.evaluate(`(${paintedPixels.toString()})('${chart}')`)).toBeGreaterThan(1000);
  await screenshot('crm-pipeline');

  // Mark the intention-stage opportunity lost, with a reason.
  await intention.locator(`#opportunity-card-${opp.body.id}`).click();
  await expectText(h5.page.locator('#opportunity-stage'), '意向');
  await button('mark-lost').click();
  await input('lost-reason').fill('预算削减，项目暂停');
  const lost = h5.page.waitForResponse((res) =>
    res.url().endsWith(`/api/v1/opportunities/${opp.body.id}/stage`),
  );
  await button('confirm-lost').click();
  expect((await lost).status()).toBe(200);
  await expectText(h5.page.locator('#opportunity-stage'), '已流失');
  await expectText(h5.page.locator('#opportunity-lost-reason'), '预算削减，项目暂停');
  await screenshot('crm-opportunity-lost');

  const after = await h5.system.api.get(`/api/v1/opportunities/${opp.body.id}`, token);
  expect(after.body).toMatchObject({ stage: 'lost', lostReason: '预算削减，项目暂停' });
});
