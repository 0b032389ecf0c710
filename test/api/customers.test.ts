import { startSalesTeam, type SignedInStaff } from '../support/sales-team';
import type { TestSystem } from '../support/system';

let sys: TestSystem;
let admin: string;
let lina: SignedInStaff;
let wang: SignedInStaff;

beforeAll(async () => {
  ({ sys, admin, lina, wang } = await startSalesTeam());
});
afterAll(async () => {
  await sys?.close();
});

const create = (body: Record<string, unknown>, token: string) =>
  sys.api.post('/api/v1/customers', body, token);
const patch = (id: string, body: unknown, token: string) =>
  sys.api.request('PATCH', `/api/v1/customers/${id}`, { body, token });
const list = async (query: string, token: string) => {
  const res = await sys.api.get(`/api/v1/customers?${query}`, token);
  expect(res.status).toBe(200);
  return res.body.items as Array<{ id: string; name: string }>;
};
const auditOf = (id: string) => sys.server.container.audit.forResource('customer', id);

describe('customers: create, read, edit', () => {
  it('creates a customer owned by the salesperson and shows it with its portal accounts', async () => {
    const res = await create(
      {
        name: '绿城建设发展有限公司',
        type: 'developer',
        phone: '021-6688 1234',
        contacts: [{ name: '陈经理', title: '采购部', phone: '139 1111 2222' }],
        source: 'expo',
        tags: ['住宅'],
        notes: '展会上认识',
        creditDays: 60,
        creditLimit: 50_000_000,
      },
      lina.token,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '绿城建设发展有限公司',
      ownerId: lina.id,
      ownerName: '李娜',
      source: 'expo',
      referredBy: null,
      tier: 'regular',
      tags: ['住宅'],
      autoTags: [],
      contacts: [{ name: '陈经理', title: '采购部', phone: '139 1111 2222' }],
      creditDays: 60,
      creditLimit: 50_000_000,
    });
    expect(res.body).not.toHaveProperty('phoneKeys');

    await sys.server.container.models.portalAccounts.create({
      openid: 'o_greentown',
      customerId: res.body.id,
      name: '陈经理（微信）',
      boundAt: new Date(),
      lastLoginAt: new Date(),
    });
    const detail = await sys.api.get(`/api/v1/customers/${res.body.id}`, lina.token);
    expect(detail.status).toBe(200);
    expect(detail.body.portalAccounts).toEqual([expect.objectContaining({ name: '陈经理（微信）' })]);
    expect(JSON.stringify(detail.body)).not.toContain('o_greentown');
  });

  it('edits fields and keeps the result consistent', async () => {
    const { body } = await create({ name: '临港物流园', type: 'private_company' }, lina.token);
    const res = await patch(
      body.id,
      { notes: '月底回访', creditDays: 30, tags: ['物流', '厂房'] },
      lina.token,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ notes: '月底回访', creditDays: 30, tags: ['物流', '厂房'] });
    expect((await sys.api.get(`/api/v1/customers/${body.id}`, lina.token)).body.notes).toBe('月底回访');
  });

  it('needs a readable referring customer for a referral', async () => {
    const referrer = (await create({ name: '东方明珠装饰', type: 'private_company' }, lina.token)).body;
    const hidden = (await create({ name: '王强的私有客户', type: 'private_company' }, wang.token)).body;
    const missing = await create(
      { name: '介绍来的客户甲', type: 'individual', source: 'referral' },
      lina.token,
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual([
      'body.referredBy',
    ]);
    const notMine = await create(
      { name: '介绍来的客户乙', type: 'individual', source: 'referral', referredBy: hidden.id },
      lina.token,
    );
    expect(notMine.status).toBe(400);
    const ok = await create(
      { name: '介绍来的客户丙', type: 'individual', source: 'referral', referredBy: referrer.id },
      lina.token,
    );
    expect(ok.status).toBe(201);
    expect(ok.body.referredBy).toBe(referrer.id);
  });

  it('answers 400 with the path of every bad field', async () => {
    const res = await create(
      {
        name: '',
        type: 'alien',
        phone: '12345',
        contacts: [{ name: '张三', phone: 'abc' }],
        creditDays: 400,
        creditLimit: 12.5,
        extra: 1,
      },
      lina.token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.type',
        'body.phone',
        'body.contacts.0.phone',
        'body.creditDays',
        'body.creditLimit',
        'body.extra',
      ]),
    );
    const badPatch = await patch('0123456789abcdef01234567', { creditLimit: -1 }, lina.token);
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.details.fields[0].path).toBe('body.creditLimit');
  });
});

describe('duplicate control', () => {
  it('refuses the same phone in another spelling, naming only the owner', async () => {
    const first = await create(
      { name: '申城幕墙工程', type: 'private_company', phone: '138 0013 8000' },
      lina.token,
    );
    expect(first.status).toBe(201);
    const again = await create(
      { name: '别的名字', type: 'individual', phone: '+86 13800138000' },
      wang.token,
    );
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'DUPLICATE',
      message: '该客户已存在，负责人：李娜',
      details: expect.anything(),
    });
    expect(JSON.stringify(again.body)).not.toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain('申城幕墙');
    // a contact's phone counts too
    const viaContact = await create(
      { name: '又一家', type: 'private_company', contacts: [{ name: '赵', phone: '0086-138-0013-8000' }] },
      admin,
    );
    expect(viaContact.status).toBe(409);
  });

  it('refuses a company name variant, and names the pool for a pool customer', async () => {
    expect((await create({ name: '华景置业有限公司', type: 'developer' }, admin)).status).toBe(201);
    const again = await create({ name: ' 华景置业 ', type: 'developer' }, lina.token);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('该客户已存在于公共客户池');
    // individuals are not refused for a name
    expect((await create({ name: '张伟', type: 'individual' }, lina.token)).status).toBe(201);
    expect((await create({ name: '张伟', type: 'individual' }, wang.token)).status).toBe(201);
  });

  it('checks edits of phones and names, and frees the old keys', async () => {
    const a = (await create({ name: '静安园林', type: 'private_company', phone: '13922221111' }, wang.token))
      .body;
    const b = (await create({ name: '徐汇园林', type: 'private_company', phone: '13922223333' }, wang.token))
      .body;
    expect([a.ownerName, b.ownerName]).toEqual(['王强', '王强']);
    const clash = await patch(b.id, { phone: '139-2222-1111' }, wang.token);
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('该客户已存在，负责人：王强');
    expect((await patch(b.id, { name: '静安园林有限公司' }, wang.token)).status).toBe(409);
    // b keeps its own phone: saving it unchanged is no duplicate
    expect((await patch(b.id, { phone: '139 2222 3333', notes: 'x' }, wang.token)).status).toBe(200);
    // a moves to a new phone; its old one is free again
    expect((await patch(a.id, { phone: '13922224444' }, wang.token)).status).toBe(200);
    expect((await patch(b.id, { phone: '13922221111' }, wang.token)).status).toBe(200);
    expect(
      (await create({ name: '新客户', type: 'individual', phone: '13922223333' }, wang.token)).status,
    ).toBe(201);
  });

  it('lets exactly one of two concurrent creates with the same phone through', async () => {
    for (let round = 0; round < 3; round += 1) {
      const phone = `1370000000${round}`;
      const results = await Promise.all([
        create({ name: `并发客户A${round}`, type: 'individual', phone }, lina.token),
        create({ name: `并发客户B${round}`, type: 'individual', phone: `+86 ${phone}` }, wang.token),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const found = await sys.server.container.models.customers.countDocuments({ phoneKeys: phone });
      expect(found).toBe(1);
      const keys = sys.server.container.models.customerKeys;
      expect(await keys.countDocuments({ key: `phone:${phone}` })).toBe(1);
      expect(
        await keys.countDocuments({ key: { $in: [`name:并发客户a${round}`, `name:并发客户b${round}`] } }),
      ).toBe(0);
    }
  });
});

describe('ownership', () => {
  it("hides another salesperson's customer exactly like a missing one", async () => {
    const theirs = (
      await create({ name: '王强的大客户', type: 'government', phone: '13655556666' }, wang.token)
    ).body;
    const missing = await sys.api.get('/api/v1/customers/0123456789abcdef01234567', lina.token);
    const hidden = await sys.api.get(`/api/v1/customers/${theirs.id}`, lina.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await patch(theirs.id, { notes: '偷看' }, lina.token)).status).toBe(404);
    expect((await list('limit=100', lina.token)).map((c) => c.id)).not.toContain(theirs.id);
    expect(await list(`ownerId=${wang.id}`, lina.token)).toEqual([]);
    expect((await sys.api.get(`/api/v1/customers/${theirs.id}`, wang.token)).status).toBe(200);
  });

  it('lets a salesperson see and claim a pool customer once, with an audit entry', async () => {
    const pooled = (await create({ name: '公共池客户', type: 'private_company' }, admin)).body;
    expect(pooled.ownerId).toBeNull();
    expect((await list('pool=true&limit=100', lina.token)).map((c) => c.id)).toContain(pooled.id);
    expect((await sys.api.get(`/api/v1/customers/${pooled.id}`, wang.token)).status).toBe(200);

    const claimed = await sys.api.post(`/api/v1/customers/${pooled.id}/claim`, undefined, lina.token);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ ownerId: lina.id, ownerName: '李娜' });
    const second = await sys.api.post(`/api/v1/customers/${pooled.id}/claim`, undefined, wang.token);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe('该客户已被其他销售认领');
    expect((await sys.api.get(`/api/v1/customers/${pooled.id}`, wang.token)).status).toBe(404);

    const audit = await auditOf(pooled.id);
    expect(audit.find((a) => a.action === 'customer.claimed')).toMatchObject({
      actorId: lina.id,
      before: { ownerId: null },
      after: { ownerId: lina.id },
    });
  });

  it('lets two concurrent claims give the customer to exactly one salesperson', async () => {
    const pooled = (await create({ name: '抢手的客户', type: 'private_company' }, admin)).body;
    const results = await Promise.all([
      sys.api.post(`/api/v1/customers/${pooled.id}/claim`, undefined, lina.token),
      sys.api.post(`/api/v1/customers/${pooled.id}/claim`, undefined, wang.token),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body.ownerId;
    const stored = await sys.api.get(`/api/v1/customers/${pooled.id}`, admin);
    expect(stored.body.ownerId).toBe(winner);
  });

  it('lets admins reassign to an active salesperson or the pool, audited before/after', async () => {
    const c = (await create({ name: '待分配客户', type: 'developer' }, lina.token)).body;
    const denied = await sys.api.post(`/api/v1/customers/${c.id}/assign`, { ownerId: wang.id }, lina.token);
    expect(denied.status).toBe(403);
    const pm = await sys.seed.staff('pm');
    const notSales = await sys.api.post(`/api/v1/customers/${c.id}/assign`, { ownerId: pm.id }, admin);
    expect(notSales.status).toBe(400);
    expect(notSales.body.error.details.fields[0].path).toBe('body.ownerId');

    const moved = await sys.api.post(`/api/v1/customers/${c.id}/assign`, { ownerId: wang.id }, admin);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ownerId: wang.id, ownerName: '王强' });
    expect((await sys.api.get(`/api/v1/customers/${c.id}`, lina.token)).status).toBe(404);
    const pooled = await sys.api.post(`/api/v1/customers/${c.id}/assign`, { ownerId: null }, admin);
    expect(pooled.body.ownerId).toBeNull();

    const entries = (await auditOf(c.id)).filter((a) => a.action === 'customer.assigned');
    expect(entries.map((a) => [a.before, a.after])).toEqual(
      expect.arrayContaining([
        [{ ownerId: lina.id }, { ownerId: wang.id }],
        [{ ownerId: wang.id }, { ownerId: null }],
      ]),
    );
  });

  it('lets an admin create for a salesperson, and keeps sales from creating for another', async () => {
    const forWang = await create({ name: '给王强的客户', type: 'individual', ownerId: wang.id }, admin);
    expect(forWang.body.ownerId).toBe(wang.id);
    const forOther = await create({ name: '越权客户', type: 'individual', ownerId: wang.id }, lina.token);
    expect(forOther.status).toBe(403);
    const toPool = await create({ name: '销售放入公共池', type: 'individual', ownerId: null }, lina.token);
    expect(toPool.body.ownerId).toBeNull();
  });
});

describe('customer list', () => {
  let mine: { id: string };
  beforeAll(async () => {
    mine = (
      await create(
        {
          name: '浦东筛选测试集团有限公司',
          type: 'government',
          phone: '(021) 5888-0001',
          contacts: [{ name: '刘', phone: '15000001111' }],
          source: 'website',
          tags: ['筛选标签'],
        },
        lina.token,
      )
    ).body;
    await sys.server.container.models.customers.updateOne({ _id: mine.id }, { $set: { tier: 'risk' } });
  });

  it.each([
    ['tier=risk'],
    ['type=government'],
    ['tag=筛选标签'],
    ['source=website'],
    ['q=筛选测试'],
    ['q=浦东 筛选'],
    ['q=021-5888'],
    ['q=15000001111'],
    ['q=+86 150 0000 1111'],
    ['q=1500000'],
  ])('finds it with %s', async (query) => {
    const [key, value] = query.split('=');
    const items = await list(`${key}=${encodeURIComponent(value!)}&limit=100`, lina.token);
    expect(items.map((c) => c.id)).toContain(mine.id);
    expect(items.every((c) => c.id === mine.id) || !query.startsWith('q=')).toBe(true);
  });

  it.each([
    ['tier=high_value'],
    ['type=developer'],
    ['tag=别的'],
    ['source=expo'],
    ['q=不存在'],
    ['q=0000111'],
  ])('does not find it with %s', async (query) => {
    const [key, value] = query.split('=');
    const items = await list(`${key}=${encodeURIComponent(value!)}&limit=100`, lina.token);
    expect(items.map((c) => c.id)).not.toContain(mine.id);
  });

  it('filters by owner and the pool', async () => {
    const byOwner = await list(`ownerId=${lina.id}&limit=100`, admin);
    expect(byOwner.map((c) => c.id)).toContain(mine.id);
    expect(byOwner.every((c) => (c as unknown as { ownerId: string }).ownerId === lina.id)).toBe(true);
    const pool = await list('pool=true&limit=100', admin);
    expect(pool.length).toBeGreaterThan(0);
    expect(pool.every((c) => (c as unknown as { ownerId: null }).ownerId === null)).toBe(true);
    const bad = await sys.api.get(`/api/v1/customers?pool=true&ownerId=${lina.id}`, admin);
    expect(bad.status).toBe(400);
  });

  it('pages through every customer exactly once', async () => {
    const total = await sys.server.container.models.customers.countDocuments();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await sys.api.get(
        `/api/v1/customers?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('gives roles outside the CRM nothing', async () => {
    const eng = await sys.seed.staff('engineer');
    const token = await sys.loginStaff(eng.username, eng.password);
    expect(await list('limit=100', token)).toEqual([]);
    expect((await sys.api.get(`/api/v1/customers/${mine.id}`, token)).status).toBe(404);
  });
});
