import crypto from 'node:crypto';
import type { Invoice, Payment, Reconciliation } from '@gantry/shared';
import { payerWithInvoice, payFor } from '../support/pay';
import { uploadPhoto } from '../support/portal-project';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * The money chain in the H5 build: the customer confirms a milestone, the installment tied to it
 * appears as due (with the milestone as the reason), the customer pays it through the simulator's
 * pay page (the browser stand-in for WeChat's cashier), the invoice shows paid, and finance sees
 * the payment matched in the next day's reconciliation. The browser is never the evidence: the
 * server's payment, invoice and report records are asserted through the API as well.
 */
jest.setTimeout(180_000);

const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, expectText, screenshot } = h5;
const DAY_MS = 86_400_000;

interface Person {
  id: string;
  username: string;
  password: string;
  token: string;
}

async function staff(role: 'pm' | 'engineer' | 'sales' | 'finance' | 'admin', name: string): Promise<Person> {
  const user = await h5.system.seed.staff(role, { name });
  return { ...user, token: await h5.system.loginStaff(user.username, user.password) };
}

/**
 * A customer with a portal account, their project (template milestones) and an active contract:
 * 30% on signing, 70% when the first milestone is confirmed.
 */
async function cast() {
  const sys = h5.system;
  const tag = crypto.randomBytes(3).toString('hex');
  const [admin, finance, sales, pm, engineer] = [
    await staff('admin', '管理员周敏'),
    await staff('finance', '财务王芳'),
    await staff('sales', '销售李强'),
    await staff('pm', '项目经理张伟'),
    await staff('engineer', '工程师陈刚'),
  ];
  const openid = `o_e2e_pay_${tag}`;
  const { customer } = await sys.seed.customerWithPortal({
    openid,
    customerName: `华景置业${tag}`,
    ownerId: sales.id,
  });
  const project = await sys.api.post(
    '/api/v1/projects',
    {
      name: `滨江苑${tag}`,
      type: 'renovation',
      customerId: customer.id,
      address: '杭州市滨江区江南大道 1 号',
      pmId: pm.id,
      engineerIds: [engineer.id],
      plannedStart: '2026-09-01',
      plannedEnd: '2027-06-30',
    },
    admin.token,
  );
  expect(project.status).toBe(201);
  const projectId = project.body.id as string;
  const ms = await sys.api.get(`/api/v1/projects/${projectId}/milestones`, pm.token);
  const milestone = ms.body.items[0] as { id: string; name: string };

  const created = await sys.api.post(
    '/api/v1/contracts',
    {
      number: `HT-E2E-${tag}`,
      customerId: customer.id,
      projectId,
      amount: 1_000_000,
      signedDate: '2026-11-20',
      plan: [
        { name: '首付款', percentBp: 3000, trigger: { kind: 'signing' }, dueDays: 7 },
        {
          name: '进度款',
          percentBp: 7000,
          trigger: { kind: 'milestone', milestoneId: milestone.id },
          dueDays: 15,
        },
      ],
    },
    sales.token,
  );
  expect(created.status).toBe(201);
  const contractId = created.body.id as string;
  let res = await sys.api.post(`/api/v1/contracts/${contractId}/submit`, {}, sales.token);
  for (const approver of [finance, admin]) {
    if (res.body.status !== 'pending_approval') break;
    res = await sys.api.post(
      `/api/v1/contracts/${contractId}/decision`,
      { decision: 'approve' },
      approver.token,
    );
  }
  expect(res.body.status).toBe('active');
  return { finance, engineer, openid, projectId, milestone, contractId };
}

type Cast = Awaited<ReturnType<typeof cast>>;

/** The engineer starts and submits the milestone with a photo (through the API). */
async function submitMilestone(c: Cast): Promise<void> {
  const sys = h5.system;
  expect(
    (await sys.api.post(`/api/v1/milestones/${c.milestone.id}/start`, {}, c.engineer.token)).status,
  ).toBe(200);
  const photo = await uploadPhoto(sys, c.engineer.token, c.projectId, true);
  const submitted = await sys.api.post(
    `/api/v1/milestones/${c.milestone.id}/submit`,
    { note: '水电改造完成，打压试验合格', photoIds: [photo.id] },
    c.engineer.token,
  );
  expect(submitted.status).toBe(200);
}

async function freshLogin(): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
  await h5.page.evaluate(() => window.localStorage.clear());
  await h5.page.reload();
}

async function signInFinance(user: Person): Promise<void> {
  await freshLogin();
  await button('staff-entry').click({ timeout: UI_TIMEOUT });
  await h5.input('username-input').fill(user.username);
  await h5.input('password-input').fill(user.password);
  await button('staff-login').click();
  await expectText(h5.page.locator('.home-title'), '财务工作台');
}

/** 我的项目 → the project → the milestone → 确认验收. */
async function confirmMilestoneInUi(c: Cast): Promise<void> {
  await h5.page.locator('#projects-entry').click();
  await h5.page.locator(`#project-item-${c.projectId}`).click({ timeout: UI_TIMEOUT });
  await h5.page.locator(`#milestone-item-${c.milestone.id}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#milestone-status'), '待客户确认');
  const confirmed = h5.page.waitForResponse((r) =>
    r.url().endsWith(`/api/v1/milestones/${c.milestone.id}/confirm`),
  );
  await button('milestone-confirm').click();
  expect((await confirmed).status()).toBe(200);
  await expectText(h5.page.locator('#milestone-status'), '已确认');
  // milestone.confirmed is delivered to the invoice trigger through the outbox.
  await h5.system.server.container.outboxWorker.drain();
}

async function milestoneInvoice(c: Cast, token: string): Promise<Invoice> {
  const res = await h5.system.api.get(`/api/v1/invoices?contractId=${c.contractId}`, token);
  expect(res.status).toBe(200);
  const found = (res.body.items as Invoice[]).find((i) => i.reason.milestoneId === c.milestone.id);
  expect(found).toBeDefined();
  return found!;
}

/** Home → 账单与付款: the installment is listed as due, with the confirmed milestone as the reason. */
async function seeInstallmentDue(invoice: Invoice, milestoneName: string): Promise<void> {
  await h5.page.goto(`${h5.system.baseUrl}/#/pages/home/index`);
  await h5.page.locator('#invoices-entry').click({ timeout: UI_TIMEOUT });
  const item = h5.page.locator(`#invoice-item-${invoice.id}`);
  await expectText(item, '进度款');
  await expectText(item, milestoneName);
  await expectText(h5.page.locator(`#invoice-status-${invoice.id}`), '待付款');
  await expectText(h5.page.locator(`#invoice-open-${invoice.id}`), '¥7,000.00');
  await screenshot('payments-invoice-due');
  await item.click();
  await expectText(h5.page.locator('#invoice-reason'), milestoneName);
  await expectText(h5.page.locator('#invoice-open-amount'), '¥7,000.00');
}

/** 微信支付 → the simulator's pay page (another origin) → 确认支付 → back on the invoice. */
async function payInUi(invoice: Invoice, financeToken: string): Promise<string> {
  const requested = h5.page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/invoices/${invoice.id}/payments`) && r.request().method() === 'POST',
  );
  await button('invoice-pay').click();
  const res = await requested;
  expect(res.status()).toBe(200);
  expect(res.request().headers()['idempotency-key']).toMatch(/^pay-/);
  // The page leaves for the pay page at once (its body is gone): the order as the server has it.
  await h5.page.waitForURL((url) => url.pathname === '/__sim/pay-page', { timeout: UI_TIMEOUT });
  const created = await h5.system.api.get(`/api/v1/payments?invoiceId=${invoice.id}`, financeToken);
  expect(created.body.items).toHaveLength(1);
  const payment = created.body.items[0] as Payment;
  expect(payment).toMatchObject({ status: 'created', amount: 700_000 });
  expect(new URL(h5.page.url()).searchParams.get('out_trade_no')).toBe(payment.outTradeNo);
  await expectText(h5.page.locator('body'), payment.outTradeNo);
  await screenshot('payments-sim-pay-page');
  await h5.page.locator('#confirm').click();
  await h5.page.waitForURL((url) => url.hash.includes('/pages/invoices/detail/index'), {
    timeout: UI_TIMEOUT,
  });
  await expectText(h5.page.locator('#invoice-status'), '已付清');
  await expectText(h5.page.locator('#invoice-open-amount'), '¥0.00');
  await expectText(h5.page.locator(`#payment-status-${payment.id}`), '已支付');
  await screenshot('payments-invoice-paid');
  return payment.id;
}

/** The server's records: one paid payment with WeChat's transaction id, the invoice paid in full. */
async function assertPaidOnServer(c: Cast, invoiceId: string, paymentId: string): Promise<Payment> {
  const sys = h5.system;
  const invoice = (await sys.api.get(`/api/v1/invoices/${invoiceId}`, c.finance.token)).body as Invoice;
  expect(invoice).toMatchObject({ status: 'paid', paidAmount: 700_000, openAmount: 0 });
  const payments = await sys.api.get(`/api/v1/payments?invoiceId=${invoiceId}`, c.finance.token);
  expect(payments.body.items).toHaveLength(1);
  const payment = payments.body.items[0] as Payment;
  expect(payment).toMatchObject({ id: paymentId, status: 'paid', amount: 700_000 });
  expect(payment.transactionId).toMatch(/^\d+$/);
  return payment;
}

/** 查看收据: the receipt carries WeChat's transaction id from our record. */
async function seeReceipt(payment: Payment): Promise<void> {
  await h5.page.locator(`#payment-item-${payment.id}`).click();
  await expectText(h5.page.locator('#receipt-amount'), '¥7,000.00');
  await expectText(h5.page.locator('#receipt-transaction'), payment.transactionId!);
  await expectText(h5.page.locator('#receipt-for'), '进度款');
  await screenshot('payments-receipt');
}

/** Asia/Shanghai calendar date of an instant. */
const shanghaiDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

it('customer confirms a milestone, pays the installment it made due, finance sees it matched the next day', async () => {
  const sys = h5.system;
  const c = await cast();
  await submitMilestone(c);

  await h5.signInCustomer(c.openid);
  await confirmMilestoneInUi(c);
  const customerToken = await sys.loginWechat(c.openid);
  const invoice = await milestoneInvoice(c, customerToken);
  expect(invoice).toMatchObject({ status: 'issued', amount: 700_000, openAmount: 700_000 });

  await seeInstallmentDue(invoice, c.milestone.name);
  const paymentId = await payInUi(invoice, c.finance.token);
  const payment = await assertPaidOnServer(c, invoice.id, paymentId);
  await seeReceipt(payment);

  // The day's bill is reconciled by the daily job the next morning, after WeChat publishes it at
  // 10:00 Asia/Shanghai: finance cannot run it today; the scheduler runs the job's next tick.
  const payDay = shanghaiDay(new Date(payment.paidAt!));
  const nextMorning = new Date(Date.parse(`${payDay}T10:30:00+08:00`) + DAY_MS);
  const notReady = await sys.api.post('/api/v1/reconciliations/run', { date: payDay }, c.finance.token);
  expect(notReady.body.error?.code).toBe('RECONCILIATION_BILL_NOT_READY');
  const run = await sys.server.container.scheduler.runTick('payments.reconcile', nextMorning);
  expect(run?.outcome).toBe('succeeded');
  const reports = await sys.api.get('/api/v1/reconciliations', c.finance.token);
  const report = (reports.body.items as Reconciliation[]).find((r) => r.date === payDay);
  expect(report).toMatchObject({ status: 'completed', billPaid: 700_000, unresolved: 0 });
  expect(report!.counts).toMatchObject({ billLines: 1, matched: 1, missing_ours: 0, missing_bill: 0 });

  await signInFinance(c.finance);
  await h5.page.locator('#reconciliation-entry').click();
  await h5.page.locator(`#reconciliation-item-${payDay}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('#reconciliation-matched'), '1');
  await expectText(h5.page.locator('#reconciliation-paid'), '¥7,000.00');
  await h5.page.locator('#discrepancies-empty').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await screenshot('payments-reconciled');

  // Finance's receivables no longer count the paid installment (only the signing one is open).
  await h5.page.goto(`${sys.baseUrl}/#/pages/finance/index`);
  await expectText(h5.page.locator('#aging-total'), '¥3,000.00');
  await h5.page.locator('#aging-chart canvas').first().waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  await screenshot('payments-receivables');
});

it('the customer closes the pay page with 取消: the order is closed and the pay button is back at once', async () => {
  const sys = h5.system;
  const finance = await staff('finance', '财务赵静');
  const payer = await payerWithInvoice(sys, 10_889);
  await h5.signInCustomer(payer.openid);
  await h5.page.goto(`${sys.baseUrl}/#/pages/invoices/detail/index?id=${payer.invoiceId}`);
  await expectText(h5.page.locator('#invoice-open-amount'), '¥108.89');
  await button('invoice-pay').click({ timeout: UI_TIMEOUT });
  await h5.page.waitForURL((url) => url.pathname === '/__sim/pay-page', { timeout: UI_TIMEOUT });
  const first = new URL(h5.page.url()).searchParams.get('out_trade_no')!;
  await h5.page.locator('#cancel').click();
  await h5.page.waitForURL((url) => url.hash.includes('/pages/invoices/detail/index'), {
    timeout: UI_TIMEOUT,
  });
  const backAt = Date.now();
  // back at once: no 正在确认支付结果 wait, the button is there with the cancel said in words
  await h5.page.locator('#invoice-pay').waitFor({ state: 'visible', timeout: 3_000 });
  const waitedMs = Date.now() - backAt;
  expect(waitedMs).toBeLessThan(3_000);
  expect(await h5.page.locator('#pay-confirming').count()).toBe(0);
  expect(await h5.page.locator('#pay-unconfirmed').count()).toBe(0);
  await expectText(h5.page.locator('#pay-error'), '已取消支付');
  await expectText(h5.page.locator('#invoice-pay'), '¥108.89');
  await screenshot('payments-cancelled-pay-again');
  // the server closed the order, at WeChat too (the simulator refuses to take money for it)
  const orders = await sys.api.get(`/api/v1/payments?invoiceId=${payer.invoiceId}`, finance.token);
  expect(orders.body.items).toMatchObject([{ outTradeNo: first, status: 'closed' }]);
  await expect(sys.sim.simulatePayment(first)).rejects.toThrow(/关闭/);

  // paying again right away: a new order, paid through the pay page
  await button('invoice-pay').click();
  await h5.page.waitForURL((url) => url.pathname === '/__sim/pay-page', { timeout: UI_TIMEOUT });
  const second = new URL(h5.page.url()).searchParams.get('out_trade_no')!;
  expect(second).not.toBe(first);
  await h5.page.locator('#confirm').click();
  await h5.page.waitForURL((url) => url.hash.includes('/pages/invoices/detail/index'), {
    timeout: UI_TIMEOUT,
  });
  await expectText(h5.page.locator('#invoice-status'), '已付清');
  const paid = await sys.api.get(`/api/v1/invoices/${payer.invoiceId}`, finance.token);
  expect(paid.body).toMatchObject({ status: 'paid', paidAmount: 10_889, openAmount: 0 });
});

it('no answer from the pay page: a few seconds of 正在确认, then 重新查询 asks WeChat and brings the button back', async () => {
  const sys = h5.system;
  const payer = await payerWithInvoice(sys, 5_000);
  await h5.signInCustomer(payer.openid);
  const invoiceUrl = `${sys.baseUrl}/#/pages/invoices/detail/index?id=${payer.invoiceId}`;
  await h5.page.goto(invoiceUrl);
  await button('invoice-pay').click({ timeout: UI_TIMEOUT });
  await h5.page.waitForURL((url) => url.pathname === '/__sim/pay-page', { timeout: UI_TIMEOUT });
  const outTradeNo = new URL(h5.page.url()).searchParams.get('out_trade_no')!;
  // the customer leaves the pay page without an answer (not 取消, not 确认支付)
  await h5.page.goto(invoiceUrl);
  await expectText(h5.page.locator('#pay-confirming'), '正在确认支付结果');
  const since = Date.now();
  await h5.page.locator('#pay-refresh').waitFor({ state: 'visible', timeout: 10_000 });
  expect(Date.now() - since).toBeLessThan(10_000);
  expect(await h5.page.locator('#invoice-pay').count()).toBe(0);
  await screenshot('payments-unconfirmed-recheck');
  const asked = h5.page.waitForResponse((r) => r.url().includes('refresh=1'));
  await button('pay-refresh').click();
  expect((await asked).status()).toBe(200);
  await expectText(h5.page.locator('#pay-error'), '尚未付款');
  await h5.page.locator('#invoice-pay').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  // the next tap pays the same open order (same key, same prepay), never a second one
  await button('invoice-pay').click();
  await h5.page.waitForURL((url) => url.pathname === '/__sim/pay-page', { timeout: UI_TIMEOUT });
  expect(new URL(h5.page.url()).searchParams.get('out_trade_no')).toBe(outTradeNo);
  await h5.page.locator('#confirm').click();
  await h5.page.waitForURL((url) => url.hash.includes('/pages/invoices/detail/index'), {
    timeout: UI_TIMEOUT,
  });
  await expectText(h5.page.locator('#invoice-status'), '已付清');
});

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + UI_TIMEOUT;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('finance asks for a refund above the threshold, a second finance user approves it; a bill-only trade is resolved with a note', async () => {
  const sys = h5.system;
  const [first, second] = [await staff('finance', '财务王芳'), await staff('finance', '财务赵磊')];
  // A paid ¥2,000.00 invoice (paid through the API and the simulator; the UI chain is the test above).
  const payer = await payerWithInvoice(sys, 200_000);
  const created = await payFor(sys, payer.invoiceId, payer.token, `e2e-refund-${crypto.randomUUID()}`);
  const paymentId = created.body.payment.id as string;
  await sys.sim.simulatePayment(created.body.payment.outTradeNo);
  const invoiceOf = async () => (await sys.api.get(`/api/v1/invoices/${payer.invoiceId}`, first.token)).body;
  expect((await waitFor(invoiceOf, (i) => i.status === 'paid')).status).toBe('paid');

  // The first finance user asks for ¥1,500.00 back (above the ¥1,000.00 threshold: it waits).
  await signInFinance(first);
  await h5.page.locator('#finance-payments-entry').click();
  await h5.page.locator(`#payment-item-${paymentId}`).click({ timeout: UI_TIMEOUT });
  await h5.input('refund-amount-input').fill('1500.00');
  await h5.input('refund-reason-input').fill('部分工程取消，退还差额');
  await button('refund-submit').click();
  const refundCard = h5.page.locator('[id^="refund-item-"]');
  await expectText(refundCard, '待审批');
  await expectText(refundCard, '等待另一位财务或管理员审批');
  expect(await h5.page.locator('[id^="refund-approve-"]').count()).toBe(0);
  const refund = (await sys.api.get(`/api/v1/refunds?paymentId=${paymentId}`, first.token)).body.items[0];
  expect(refund).toMatchObject({ amount: 150_000, status: 'pending_approval', needsApproval: true });
  await screenshot('payments-refund-requested');

  // The second approves it from the refunds page; WeChat (the simulator) pays it back.
  await signInFinance(second);
  await h5.page.locator('#refunds-entry').click();
  await h5.input(`refund-comment-${refund.id}`).fill('已核对变更单');
  await button(`refund-approve-${refund.id}`).click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator(`#refund-item-${refund.id}`), '财务赵磊批准：已核对变更单');
  const done = await waitFor(
    async () => (await sys.api.get(`/api/v1/refunds/${refund.id}`, second.token)).body,
    (r) => r.status === 'succeeded',
  );
  expect(done.status).toBe('succeeded');
  expect(await waitFor(invoiceOf, (i) => i.openAmount === 150_000)).toMatchObject({
    refundedAmount: 150_000,
  });
  await h5.page.locator('#refund-filter-succeeded').click();
  await expectText(h5.page.locator(`#refund-status-${refund.id}`), '已退款');
  await screenshot('payments-refund-approved');

  // A past day whose bill has a trade we never recorded: finance runs it and resolves it with a note.
  const day = '2026-11-21';
  const bill = await fetch(`${sys.sim.url}/__sim/pay-bill-edits`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      extraOrders: [{ out_trade_no: 'P-E2E-UNKNOWN-1', total: 4_200, paidAt: `${day}T12:00:00+08:00` }],
    }),
  });
  expect(bill.status).toBe(200);
  await h5.page.goto(`${sys.baseUrl}/#/pages/finance/reconciliations/index`);
  await h5.input('reconcile-date').fill(day);
  await button('reconcile-run').click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('.page-title'), `对账 ${day}`);
  await expectText(h5.page.locator('#reconciliation-missing_ours'), '1');
  const card = h5.page.locator('[id^="discrepancy-"]').filter({ hasText: 'P-E2E-UNKNOWN-1' }).first();
  await expectText(card, '我方无记录');
  await card.locator('[id^="discrepancy-note-"] input').fill('测试商户号的线下收款，已与出纳核对');
  await card.locator('taro-button-core[id^="discrepancy-resolve-"]').click();
  await expectText(card, '已处理');
  await expectText(h5.page.locator('#reconciliation-unresolved'), '0');
  await screenshot('payments-discrepancy-resolved');

  const reports = (await sys.api.get('/api/v1/reconciliations', second.token)).body.items as Reconciliation[];
  const report = reports.find((r) => r.date === day)!;
  expect(report.unresolved).toBe(0);
  const detail = (await sys.api.get(`/api/v1/reconciliations/${report.id}`, second.token)).body;
  expect(detail.discrepancies).toEqual([
    expect.objectContaining({
      kind: 'missing_ours',
      outTradeNo: 'P-E2E-UNKNOWN-1',
      resolved: expect.objectContaining({ note: '测试商户号的线下收款，已与出纳核对', byName: '财务赵磊' }),
    }),
  ]);
});

it('finance records a payment arrangement on an overdue invoice; the customer sees what was agreed', async () => {
  const sys = h5.system;
  const finance = await staff('finance', '财务孙丽');
  const payer = await payerWithInvoice(sys, 80_000);
  // the invoice went past its due date (the overdue job's own tests cover how it gets there)
  await sys.server.container.models.invoices.updateOne(
    { _id: payer.invoiceId },
    { $set: { status: 'overdue', dueDate: new Date(Date.now() - 10 * DAY_MS), overdueLevel: 2 } },
  );
  const note = '客户承诺 12 月 15 日前付清';

  await signInFinance(finance);
  await h5.page.goto(`${sys.baseUrl}/#/pages/invoices/detail/index?id=${payer.invoiceId}`);
  const invoiceOf = async () =>
    (await sys.api.get(`/api/v1/invoices/${payer.invoiceId}`, finance.token)).body as Invoice;
  await button('arrangement-save').click({ timeout: UI_TIMEOUT }); // without a note: asked for one
  await expectText(h5.page.locator('body'), '请写明与客户约定的付款安排');
  expect((await invoiceOf()).arrangementAgreed).toBe(false);
  await h5.input('arrangement-note').fill(note);
  await button('arrangement-save').click();
  await expectText(h5.page.locator('#arrangement-status'), `已约定：${note}`);
  await screenshot('payments-arrangement-agreed');
  expect(await invoiceOf()).toMatchObject({
    status: 'overdue',
    arrangementAgreed: true,
    arrangementNote: note,
  });

  await h5.signInCustomer(payer.openid);
  await h5.page.goto(`${sys.baseUrl}/#/pages/invoices/detail/index?id=${payer.invoiceId}`);
  await expectText(h5.page.locator('#invoice-arrangement'), note);
  expect(await h5.page.locator('#arrangement-panel').count()).toBe(0);
});
