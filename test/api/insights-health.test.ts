import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { runJob } from '../support/feedback-cast';
import {
  complaint,
  day,
  must,
  portalCustomer,
  project,
  rateProject,
  staffMember,
  type Signed,
} from '../support/insights-cast';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * 李娜 owns 甲 (rated their finished project 2 stars and has an open complaint nobody answered),
 * 乙 (nothing ever happened) and 丙 (an opportunity opened today). Nobody has contacted 甲 or 乙.
 */
describe('weekly customer-health report', () => {
  let sys: TestSystem;
  let admin: Signed;
  let lina: Signed;
  let wang: Signed;
  const drain = () => sys.server.container.outboxWorker.drain();

  beforeAll(async () => {
    sys = await startTestSystem();
    admin = await staffMember(sys, 'admin', '周敏');
    const pm = await staffMember(sys, 'pm', '张伟');
    lina = await staffMember(sys, 'sales', '李娜');
    wang = await staffMember(sys, 'sales', '王强');
    const jia = await portalCustomer(sys, lina.id, '甲公司');
    await portalCustomer(sys, lina.id, '乙公司');
    const bing = await portalCustomer(sys, lina.id, '丙公司');
    const p = await project(sys, admin.token, {
      customerId: jia.id,
      type: 'residential',
      plannedEnd: day(-1),
      pmId: pm.id,
      complete: true,
    });
    await rateProject(sys, jia.token, p, 2);
    await complaint(sys, admin.token, { projectId: p, hoursAgo: 0, answer: false });
    must(
      await sys.api.post(
        '/api/v1/opportunities',
        { customerId: bing.id, name: '二期', expectedAmount: 100_000 },
        lina.token,
      ),
      201,
      'opp',
    );
  }, 60_000);

  afterAll(() => sys?.close());

  it('builds the report, keeps it for the owner and delivers it to WeCom and the inbox once', async () => {
    const run = await runJob(sys, admin.token, 'insights.health-report');
    expect(run.outcome).toBe('succeeded');
    const report = must<any>(await sys.api.get('/api/v1/insights/health-report', lina.token), 200, 'report');
    expect(report.ownerName).toBe('李娜');
    expect(report.summary).toEqual({
      customers: 3,
      tierChanges: 0,
      overdueAmount: 0,
      lowRatings: 1,
      openComplaints: 1,
      quiet: 2,
    });
    const jia = report.customers.find((c: any) => c.name === '甲公司');
    expect(jia).toMatchObject({ openComplaints: 1, quiet: true, attention: true, lastContactAt: null });
    expect(jia.lowRatings).toEqual([expect.objectContaining({ overall: 2 })]);
    expect(report.customers.find((c: any) => c.name === '丙公司')).toMatchObject({
      quiet: false,
      attention: false,
    });
    // The customers needing attention come first.
    expect(report.customers.at(-1).name).toBe('丙公司');

    // Run again the same week: the report is rewritten in place and noticed once.
    await runJob(sys, admin.token, 'insights.health-report');
    const again = must<any>(await sys.api.get('/api/v1/insights/health-report', lina.token), 200, 'report');
    expect(again.id).toBe(report.id);
    await drain();
    const wecom = sys.sim
      .messages()
      .filter((m: any) => m.kind === 'wecom' && JSON.stringify(m).includes('客户健康周报'));
    expect(wecom).toHaveLength(1);
    expect(wecom[0]).toMatchObject({ key: 'test-robot-sales', msgtype: 'markdown' });
    const content = JSON.stringify(wecom[0]);
    expect(content).toContain('甲公司');
    expect(content).toContain('低分 2星');
    expect(content).not.toContain('丙公司');
    const inbox = must<any>(await sys.api.get('/api/v1/notifications?limit=50', lina.token), 200, 'inbox');
    expect(inbox.items.filter((i: any) => i.title.startsWith('客户健康周报'))).toHaveLength(1);
  });

  it('reports as overdue what the ledger holds open, not an invoice a crash left with stale totals', async () => {
    const zhao = await staffMember(sys, 'sales', '赵敏');
    const ding = await portalCustomer(sys, zhao.id, '丁公司');
    const wu = await portalCustomer(sys, zhao.id, '戊公司');
    const models = sys.server.container.models;
    const dueLastMonth = new Date(`${day(-30)}T00:00:00Z`);
    const invoice = async (customerId: string, amount: number) => {
      const doc = await models.invoices.create({
        number: `INV-${randomBytes(4).toString('hex')}`,
        contractId: new Types.ObjectId(),
        contractNumber: 'HT-TEST',
        installmentId: new Types.ObjectId(),
        customerId: new Types.ObjectId(customerId),
        amount,
        status: 'overdue',
        issuedAt: new Date(`${day(-40)}T00:00:00Z`),
        dueDate: dueLastMonth,
        reason: { kind: 'date', milestoneId: null, milestoneName: null, installmentName: '进度款' },
      });
      return doc._id;
    };
    // The payments landed on the ledger; the crash came before the invoices were recalculated.
    const paid = async (invoiceId: Types.ObjectId, amount: number) =>
      models.paymentLedger.create({
        key: `payment:PI${String(new Types.ObjectId())}`,
        kind: 'payment',
        invoiceId,
        paymentId: new Types.ObjectId(),
        amount,
        wechatId: `4200${randomBytes(8).toString('hex')}`,
        at: new Date(),
      });
    await paid(await invoice(ding.id, 100_000), 100_000);
    await paid(await invoice(wu.id, 200_000), 50_000);

    expect((await runJob(sys, admin.token, 'insights.health-report')).outcome).toBe('succeeded');
    const report = must<any>(await sys.api.get('/api/v1/insights/health-report', zhao.token), 200, 'report');
    expect(report.summary.overdueAmount).toBe(150_000);
    const row = (name: string) => report.customers.find((c: any) => c.name === name);
    expect(row('丁公司')).toMatchObject({ overdueAmount: 0, overdueInvoices: 0 });
    expect(row('戊公司')).toMatchObject({ overdueAmount: 150_000, overdueInvoices: 1 });
  });

  it('lets admins read any owner’s report and nobody else’s', async () => {
    expect((await sys.api.get(`/api/v1/insights/health-report?ownerId=${lina.id}`, admin.token)).status).toBe(
      200,
    );
    expect((await sys.api.get(`/api/v1/insights/health-report?ownerId=${lina.id}`, wang.token)).status).toBe(
      403,
    );
    // 王强 owns no customers: no report was built for him.
    expect((await sys.api.get('/api/v1/insights/health-report', wang.token)).status).toBe(404);
  });
});
