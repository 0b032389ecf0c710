import { seedDemo } from '../../scripts/seed-demo';
import { DEMO_PASSWORD } from '../../scripts/demo/demo-data';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

describe('demo seed', () => {
  it('fills an empty database with a realistic data set whose logins work, and leaves it alone the second time', async () => {
    expect(await seedDemo(sys.server.container)).toBe(true);
    const { models } = sys.server.container;
    const roles = new Set((await models.staffUsers.find().lean()).map((u) => u.role));
    expect(roles.size).toBeGreaterThanOrEqual(5);
    const customers = await models.customers.find().lean();
    expect(new Set(customers.map((c) => c.tier)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(customers.map((c) => c.type))).toEqual(
      new Set(['government', 'developer', 'private_company', 'individual']),
    );
    expect(customers.every((c) => /[\u4e00-\u9fa5]/.test(c.name))).toBe(true);
    expect(new Set((await models.projects.find().lean()).map((p) => p.status)).size).toBeGreaterThanOrEqual(
      3,
    );

    const sales = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'lina',
      password: DEMO_PASSWORD,
    });
    expect(sales.body.user).toMatchObject({ role: 'sales', name: '李娜' });
    // Seeded, not set by an admin: the demo logins are not forced to a new password.
    expect(sales.body.user.mustChangePassword).toBe(false);
    expect((await sys.api.get('/api/v1/customers', sales.body.token)).status).toBe(200);
    const portal = await sys.loginWechat('o_demo_customer_1');
    expect((await sys.api.get('/api/v1/me', portal)).body.user.customerName).toBe('华景置业有限公司');

    // the demo inbox of the developer's WeChat account is not empty once the outbox is delivered
    await sys.server.container.outboxWorker.drain();
    const inbox = await sys.api.get('/api/v1/notifications', portal);
    expect(inbox.body.items.map((i: { title: string }) => i.title).sort()).toEqual([
      '新的付款通知',
      '节点待确认',
    ]);
    // the notice is about a real invoice of 华景置业's active contract, issued for a confirmed milestone
    const invoices = await sys.api.get('/api/v1/invoices', portal);
    expect(invoices.body.items).toHaveLength(1);
    expect(invoices.body.items[0]).toMatchObject({
      status: 'issued',
      amount: 640_000_000,
      reason: { kind: 'milestone' },
    });

    expect(await seedDemo(sys.server.container)).toBe(false);
    expect(await models.customers.countDocuments()).toBe(customers.length);
  });
});
