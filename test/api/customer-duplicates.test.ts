import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The duplicate guard against spellings that look the same to people: full-width digits and
 * letters, zero-width and bidi characters, NBSP. Over HTTP and through the Excel import (one
 * normaliser), and for customers whose keys an older normaliser computed (the key recompute).
 */
let sys: TestSystem;
let admin: string;
let lina: { id: string; token: string };
let wang: { id: string; token: string };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ZWSP = '\u200b';
const NBSP = '\u00a0';
const RLM = '\u200f';

const models = () => sys.server.container.models;
const recompute = () => sys.server.container.services.customerKeyRecompute.run();
const create = (body: unknown, token: string) => sys.api.post('/api/v1/customers', body, token);
const keysOf = async (id: string) =>
  (
    await models()
      .customerKeys.find({ customerId: new Types.ObjectId(id) })
      .lean()
  )
    .map((k) => k.key)
    .sort();

async function salesperson(username: string, name: string) {
  const user = await sys.seed.staff('sales', { username, name });
  return { id: user.id, token: await sys.loginStaff(username, user.password) };
}

async function upload(rows: string[][], token: string, dryRun = false) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('客户');
  ws.addRow(['客户名称', '客户类型', '电话']);
  for (const r of rows) ws.addRow(r);
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const res = await fetch(`${sys.baseUrl}/api/v1/customers/import?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': XLSX },
    body: new Uint8Array(file),
  });
  return (await res.json()) as { imported: number; skipped: Array<{ row: number; reasons: string[] }> };
}

/** A customer exactly as the code before key versions stored it: old keys, no `keyVersion`. */
async function oldStyleCustomer(fields: { name: string; phone?: string; nameKey: string; ownerId: string }) {
  const _id = new Types.ObjectId();
  await models().customers.collection.insertOne({
    _id,
    name: fields.name,
    type: 'developer',
    phone: fields.phone ?? null,
    contacts: [],
    ownerId: new Types.ObjectId(fields.ownerId),
    tier: 'regular',
    nameKey: fields.nameKey,
    nameSearch: fields.nameKey,
    phoneKeys: [],
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await models().customerKeys.create({ key: `name:${fields.nameKey}`, customerId: _id });
  return String(_id);
}

beforeAll(async () => {
  sys = await startTestSystem();
  const a = await sys.seed.staff('admin', { username: 'dup.admin', name: '周敏' });
  admin = await sys.loginStaff(a.username, a.password);
  lina = await salesperson('dup.lina', '李娜');
  wang = await salesperson('dup.wang', '王强');
  const first = await create(
    { name: '华景置业有限公司', type: 'developer', phone: '13800138000' },
    lina.token,
  );
  expect(first.status).toBe(201);
  expect((await create({ name: 'ABC建设有限公司', type: 'private_company' }, lina.token)).status).toBe(201);
});
afterAll(() => sys?.close());

const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['full-width phone digits', { name: '另一家公司', type: 'individual', phone: '１３８００１３８０００' }],
  [
    'a zero-width space in the phone',
    { name: '又一家', type: 'individual', phone: `138${ZWSP}0013${ZWSP}8000` },
  ],
  ['a zero-width space after the name', { name: `华景置业有限公司${ZWSP}`, type: 'developer' }],
  ['an NBSP inside the name', { name: `华景${NBSP}置业`, type: 'developer' }],
  ['a bidi mark before the name', { name: `${RLM}华景置业`, type: 'developer' }],
  ['full-width letters in the name', { name: 'ＡＢＣ建设', type: 'private_company' }],
];

describe('duplicates over HTTP', () => {
  it.each(VARIANTS)('refuses %s, naming the owner', async (_label, body) => {
    const res = await create(body, wang.token);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'DUPLICATE', message: '该客户已存在，负责人：李娜' });
  });

  it('refuses an edit that makes a customer a look-alike of another', async () => {
    const own = await create({ name: '星河建材', type: 'private_company' }, wang.token);
    const res = await sys.api.request('PATCH', `/api/v1/customers/${own.body.id}`, {
      token: wang.token,
      body: { name: `华景置业${ZWSP}` },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('该客户已存在，负责人：李娜');
  });

  it('stores names without invisible characters, keeping the full-width punctuation that was typed', async () => {
    const res = await create({ name: `\ufeff 蓝天${ZWSP}装饰${NBSP}`, type: 'private_company' }, wang.token);
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('蓝天装饰');
    const registered = await create(
      { name: '汇通建设（上海）有限公司', type: 'private_company' },
      wang.token,
    );
    expect(registered.status).toBe(201);
    expect(registered.body.name).toBe('汇通建设（上海）有限公司');
    // the key is still NFKC: the half-width spelling is the same customer
    const twin = await create({ name: '汇通建设(上海)有限公司', type: 'private_company' }, lina.token);
    expect(twin.status).toBe(409);
  });

  it('refuses control characters in names with a Chinese message naming the field', async () => {
    const res = await create({ name: '华景\n置业', type: 'developer' }, wang.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.details)).toContain('body.name');
    expect(JSON.stringify(res.body.error.details)).toContain('客户名称不能包含控制字符');
    const contact = await create(
      { name: '控制字符测试', type: 'developer', contacts: [{ name: '张\u0000三' }] },
      wang.token,
    );
    expect(contact.status).toBe(400);
    expect(JSON.stringify(contact.body.error.details)).toContain('body.contacts.0.name');
  });
});

describe('duplicates through the Excel import', () => {
  it.each([
    ['full-width phone digits', ['另一家公司', '个人', '１３８００１３８０００']],
    ['a zero-width space in the phone', ['又一家', '个人', `138${ZWSP}0013${ZWSP}8000`]],
    ['a zero-width space after the name', [`华景置业有限公司${ZWSP}`, '开发商', '']],
    ['an NBSP inside the name', [`华景${NBSP}置业`, '开发商', '']],
    ['a bidi mark before the name', [`${RLM}华景置业`, '开发商', '']],
    ['full-width letters in the name', ['ＡＢＣ建设', '民营企业', '']],
  ])('refuses a row with %s, naming the owner', async (_label, row) => {
    const report = await upload([row], wang.token);
    expect(report.imported).toBe(0);
    expect(report.skipped).toEqual([
      { row: 2, name: expect.any(String), reasons: ['该客户已存在，负责人：李娜'] },
    ]);
  });

  it('refuses look-alikes within the file and names with control characters', async () => {
    const report = await upload(
      [
        ['宏达建设', '开发商', ''],
        [`宏达${ZWSP}建设有限公司`, '开发商', ''],
        ['华景\n置业二部', '开发商', ''],
      ],
      wang.token,
    );
    expect(report.skipped.map((s) => [s.row, s.reasons])).toEqual([
      [3, ['与第 2 行重复（相同的电话或公司名称）']],
      [4, ['客户名称：客户名称不能包含控制字符（换行、制表符等）']],
    ]);
    expect(report.imported).toBe(1);
  });
});

describe('recomputing the keys of existing customers', () => {
  it('gives an old customer the current keys, so a differently spelled duplicate is refused', async () => {
    const id = await oldStyleCustomer({
      name: `鼎盛${ZWSP}置业有限公司`,
      phone: `139${ZWSP}0000${ZWSP}1111`,
      nameKey: `鼎盛${ZWSP}置业`,
      ownerId: lina.id,
    });
    // Before: the old key does not match the plain spelling, so the import would let it in.
    expect((await upload([['鼎盛置业', '开发商', '']], wang.token, true)).skipped).toEqual([]);

    const result = await recompute();
    expect(result).toMatchObject({ updated: 1, conflicts: [] });
    expect(await keysOf(id)).toEqual(['name:鼎盛置业', 'phone:13900001111']);
    const doc = await models().customers.findById(id).lean();
    expect(doc).toMatchObject({ nameKey: '鼎盛置业', phoneKeys: ['13900001111'], keyVersion: 2 });

    const byName = await create({ name: '鼎盛置业', type: 'developer' }, wang.token);
    expect(byName.status).toBe(409);
    expect(byName.body.error.message).toBe('该客户已存在，负责人：李娜');
    const byPhone = await create({ name: '别人', type: 'individual', phone: '139 0000 1111' }, wang.token);
    expect(byPhone.body.error.message).toBe('该客户已存在，负责人：李娜');
    // A second run (or another instance's) finds nothing to do.
    expect(await recompute()).toEqual({ updated: 0, conflicts: [] });
  });

  it('finishes a customer left by a crash after the new keys were reserved', async () => {
    const id = await oldStyleCustomer({
      name: `瑞丰${ZWSP}建设`,
      nameKey: `瑞丰${ZWSP}建设`,
      ownerId: lina.id,
    });
    await models().customerKeys.create({ key: 'name:瑞丰建设', customerId: new Types.ObjectId(id) });
    // In that state both spellings are refused, and the customer can still be edited.
    expect((await create({ name: '瑞丰建设', type: 'developer' }, wang.token)).status).toBe(409);
    const edit = await sys.api.request('PATCH', `/api/v1/customers/${id}`, {
      token: lina.token,
      body: { notes: '崩溃后编辑' },
    });
    expect(edit.status).toBe(200);
    expect(await keysOf(id)).toEqual(['name:瑞丰建设']);
    expect(await recompute()).toEqual({ updated: 0, conflicts: [] });
  });

  it('finishes a customer left by a crash after the old keys were released', async () => {
    const id = await oldStyleCustomer({
      name: `金桥${ZWSP}幕墙`,
      nameKey: `金桥${ZWSP}幕墙`,
      ownerId: lina.id,
    });
    await models().customerKeys.deleteMany({ customerId: new Types.ObjectId(id) });
    await models().customerKeys.create({ key: 'name:金桥幕墙', customerId: new Types.ObjectId(id) });
    expect((await create({ name: '金桥幕墙', type: 'developer' }, wang.token)).status).toBe(409);

    expect(await recompute()).toEqual({ updated: 1, conflicts: [] });
    expect(await keysOf(id)).toEqual(['name:金桥幕墙']);
    expect(await models().customers.findById(id).lean()).toMatchObject({
      nameKey: '金桥幕墙',
      keyVersion: 2,
    });
  });

  it('reports two existing customers that the current keys make duplicates, keeping the guard', async () => {
    const older = await oldStyleCustomer({ name: '远景建设', nameKey: '远景建设', ownerId: lina.id });
    const twin = await oldStyleCustomer({
      name: `远景${ZWSP}建设`,
      nameKey: `远景${ZWSP}建设`,
      ownerId: wang.id,
    });
    const result = await recompute();
    expect(result.updated).toBe(2);
    expect(result.conflicts).toEqual([{ customerId: twin, key: 'name:远景建设' }]);
    expect(await keysOf(older)).toEqual(['name:远景建设']);
    expect(await keysOf(twin)).toEqual([]);
    const again = await create({ name: `远景建设\u200c`, type: 'developer' }, admin);
    expect(again.body.error.message).toBe('该客户已存在，负责人：李娜');
  });

  it('brings each customer up once when several instances run it at the same time', async () => {
    const ids = await Promise.all(
      ['东方', '南方', '西方', '北方'].map((n) =>
        oldStyleCustomer({ name: `${n}${ZWSP}园林`, nameKey: `${n}${ZWSP}园林`, ownerId: lina.id }),
      ),
    );
    const [a, b] = await Promise.all([recompute(), recompute()]);
    expect(a.updated + b.updated).toBe(4);
    expect([...a.conflicts, ...b.conflicts]).toEqual([]);
    for (const [i, n] of ['东方', '南方', '西方', '北方'].entries())
      expect(await keysOf(ids[i]!)).toEqual([`name:${n}园林`]);
  });
});
