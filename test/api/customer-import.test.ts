import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { importCustomers } from '../../scripts/import-customers';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let admin: string;
let lina: { id: string; token: string };
let wang: { id: string; token: string };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The single-contact header of earlier files: still read (联系人 = 联系人1). */
const HEADER = ['客户名称', '客户类型', '电话', '来源', '标签', '联系人', '联系人职务', '联系人电话'];
/** What the template and the export write. */
const LAYOUT = [
  ...['客户名称', '客户类型', '电话', '来源', '推荐客户', '标签'],
  ...['联系人1', '职务1', '电话1', '联系人2', '职务2', '电话2', '联系人3', '职务3', '电话3'],
  ...['更多联系人', '备注'],
];

async function salesperson(username: string, name: string) {
  const user = await sys.seed.staff('sales', { username, name });
  return { id: user.id, token: await sys.loginStaff(username, user.password) };
}

async function workbook(rows: Array<Array<string | number>>, header: string[] = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('客户');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(file: Buffer | string, query: string, token: string, type = XLSX) {
  const res = await fetch(`${sys.baseUrl}/api/v1/customers/import?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof file === 'string' ? file : new Uint8Array(file),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const count = () => sys.server.container.models.customers.countDocuments();

// Header is row 1, so the data rows are 2…8.
const ROWS: Array<Array<string | number>> = [
  ['华景置业有限公司', '开发商', '138 0013 8000', '展会', '住宅,商业', '陈经理', '采购部', '139 1111 2222'],
  ['', '民营企业', '13900000001'],
  ['星河建材', '民营企业', '12345'],
  ['蓝天装饰', '民营企业', '+86 13800138000'],
  ['宏远建设', '开发商', '021-5000 0009'],
  ['张三', '个人', 13700001111],
  ['市政工程管理处', '政府', '0571-8888 1234', '官网', '', '刘科长'],
];

beforeAll(async () => {
  sys = await startTestSystem();
  const a = await sys.seed.staff('admin', { username: 'zhou.admin', name: '周敏' });
  admin = await sys.loginStaff(a.username, a.password);
  lina = await salesperson('li.na', '李娜');
  wang = await salesperson('wang.qiang', '王强');
  const res = await sys.api.post(
    '/api/v1/customers',
    { name: '宏远建设有限公司', type: 'developer', phone: '021-5000 0001' },
    wang.token,
  );
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await sys?.close();
});

describe('customer import', () => {
  const expectBadRows = (skipped: Array<{ row: number; reasons: string[] }>) => {
    expect(skipped.map((s) => s.row)).toEqual([3, 4, 5, 6]);
    expect(skipped[0]!.reasons).toEqual(['缺少客户名称']);
    expect(skipped[1]!.reasons.join()).toContain('电话号码格式不正确');
    expect(skipped[2]!.reasons).toEqual(['与第 2 行重复（相同的电话或公司名称）']);
    expect(skipped[3]!.reasons).toEqual(['该客户已存在，负责人：王强']);
  };

  it('a dry run lists every bad row with its reason and writes nothing', async () => {
    const before = await count();
    const res = await upload(await workbook(ROWS), 'dryRun=true', lina.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, totalRows: 7, imported: 3 });
    expectBadRows(res.body.skipped);
    expect(JSON.stringify(res.body)).not.toContain('5000 0001');
    expect(await count()).toBe(before);
  });

  it('imports exactly the good rows for the salesperson; a second run imports nothing', async () => {
    const file = await workbook(ROWS);
    const before = await count();
    const first = await upload(file, 'dryRun=false', lina.token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ dryRun: false, totalRows: 7, imported: 3 });
    expectBadRows(first.body.skipped);
    expect(await count()).toBe(before + 3);
    const list = await sys.api.get('/api/v1/customers?q=华景置业', lina.token);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        ownerId: lina.id,
        type: 'developer',
        source: 'expo',
        tags: ['住宅', '商业'],
        contacts: [{ name: '陈经理', title: '采购部', phone: '139 1111 2222' }],
      }),
    ]);

    const again = await upload(file, 'dryRun=false', lina.token);
    expect(again.body.imported).toBe(0);
    expect(again.body.skipped.map((s: { row: number }) => s.row)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (const row of [0, 5, 6])
      expect(again.body.skipped[row].reasons).toEqual(['该客户已存在，负责人：李娜']);
    expect(await count()).toBe(before + 3);
  });

  it('refuses a body that is not an .xlsx with a clear 400, and non-staff callers', async () => {
    const text = await upload('客户名称,客户类型\n某公司,开发商', 'dryRun=true', lina.token, 'text/csv');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toBe('请上传 .xlsx 格式的 Excel 文件');
    const fake = await upload(Buffer.from('not a zip at all'), 'dryRun=true', lina.token);
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toBe('请上传 .xlsx 格式的 Excel 文件');
    const finance = await sys.seed.staff('finance');
    const token = await sys.loginStaff(finance.username, finance.password);
    expect((await upload(await workbook([]), 'dryRun=true', token)).status).toBe(403);
  });
});

describe('several contacts per row and referrals', () => {
  const HEADER2 = [
    ...['客户名称', '客户类型', '电话', '来源', '推荐客户'],
    ...['联系人1', '职务1', '电话1', '联系人2', '职务2', '电话2', '更多联系人'],
  ];
  // Rows 2…7: a referral to a customer in the CRM, one to row 2 of the same file, and four bad rows.
  const ROWS2: Array<Array<string | number>> = [
    [
      '绿城建工有限公司',
      '民营企业',
      '0571-8765 4321',
      '',
      '钱塘建设集团有限公司',
      '王总',
      '总经理',
      '13811112222',
      '李工',
      '工程部',
      '138 3333 4444',
      '赵六/财务/13855556666',
    ],
    ['钱江装饰工程公司', '民营企业', '13866667777', '客户转介绍', '绿城建工', '孙经理', '', '13877778888'],
    ['未知推荐公司', '民营企业', '13899990000', '', '不存在的推荐人'],
    ['宏远推荐公司', '民营企业', '13899990001', '', '宏远建设有限公司'],
    ['缺姓名公司', '民营企业', '13899990002', '', '', '', '采购', '13899990003'],
    ['来源冲突公司', '民营企业', '13899990004', '展会', '钱塘建设集团'],
  ];
  let referrerId: string;

  beforeAll(async () => {
    const res = await sys.api.post(
      '/api/v1/customers',
      { name: '钱塘建设集团', type: 'private_company' },
      lina.token,
    );
    expect(res.status).toBe(201);
    referrerId = res.body.id;
  });

  const expectBadRows = (skipped: Array<{ row: number; reasons: string[] }>) => {
    expect(skipped).toEqual([
      expect.objectContaining({ row: 4, reasons: ['推荐客户「不存在的推荐人」不存在或无权查看'] }),
      // Another salesperson's customer is as unknown as a missing one.
      expect.objectContaining({ row: 5, reasons: ['推荐客户「宏远建设有限公司」不存在或无权查看'] }),
      expect.objectContaining({ row: 6, reasons: ['联系人1：填写了职务或电话，但缺少姓名'] }),
      expect.objectContaining({ row: 7, reasons: ['填写了推荐客户，来源须为「客户转介绍」或留空'] }),
    ]);
  };

  it('a dry run accepts referrers in the CRM and further up the file, refuses unknown ones, writes nothing', async () => {
    const before = await count();
    const res = await upload(await workbook(ROWS2, HEADER2), 'dryRun=true', lina.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, totalRows: 6, imported: 2 });
    expectBadRows(res.body.skipped);
    expect(await count()).toBe(before);
  });

  it('imports every contact of a row and links the referring customer; a second run imports nothing', async () => {
    const file = await workbook(ROWS2, HEADER2);
    const res = await upload(file, 'dryRun=false', lina.token);
    expect(res.body).toMatchObject({ dryRun: false, totalRows: 6, imported: 2 });
    expectBadRows(res.body.skipped);

    const [lvcheng] = (await sys.api.get('/api/v1/customers?q=绿城建工', lina.token)).body.items;
    expect(lvcheng).toMatchObject({
      source: 'referral',
      referredBy: referrerId,
      contacts: [
        { name: '王总', title: '总经理', phone: '13811112222' },
        { name: '李工', title: '工程部', phone: '138 3333 4444' },
        { name: '赵六', title: '财务', phone: '13855556666' },
      ],
    });
    const [qianjiang] = (await sys.api.get('/api/v1/customers?q=钱江装饰', lina.token)).body.items;
    expect(qianjiang).toMatchObject({ source: 'referral', referredBy: lvcheng.id });
    expect(qianjiang.contacts).toEqual([{ name: '孙经理', title: '', phone: '13877778888' }]);
    // A contact's phone is a duplicate key too.
    const dup = await sys.api.post(
      '/api/v1/customers',
      { name: '另一家公司', type: 'private_company', phone: '13833334444' },
      wang.token,
    );
    expect(dup.status).toBe(409);

    const again = await upload(file, 'dryRun=false', lina.token);
    expect(again.body.imported).toBe(0);
    expect(again.body.skipped.map((s: { row: number }) => s.row)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('serves a template in the same layout, which imports as it is (its example row refused)', async () => {
    const res = await fetch(`${sys.baseUrl}/api/v1/customers/import/template`, {
      headers: { authorization: `Bearer ${lina.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const bytes = await res.arrayBuffer();
    const file = Buffer.from(bytes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes);
    expect((wb.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual(LAYOUT);
    const dry = await upload(file, 'dryRun=true', lina.token);
    expect(dry.body).toMatchObject({ totalRows: 1, imported: 0 });
    expect(dry.body.skipped[0].reasons).toEqual(['推荐客户「已在系统中的推荐客户名称」不存在或无权查看']);
  });
});

describe('customer export', () => {
  it("streams the salesperson's own and pool customers, not another salesperson's, with a Chinese header", async () => {
    await sys.seed.customer({ name: '公共池客户甲' });
    const res = await fetch(`${sys.baseUrl}/api/v1/customers/export`, {
      headers: { authorization: `Bearer ${lina.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('客户列表-')}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header).toEqual([...LAYOUT, '负责人', '客户等级', '创建时间']);
    const names: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) names.push(String(row.getCell(1).value));
    });
    expect(names).toEqual(
      expect.arrayContaining(['华景置业有限公司', '张三', '市政工程管理处', '公共池客户甲']),
    );
    expect(names).not.toContain('宏远建设有限公司');

    const all = await fetch(`${sys.baseUrl}/api/v1/customers/export?type=developer`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const adminWb = new ExcelJS.Workbook();
    await adminWb.xlsx.load(await all.arrayBuffer());
    const adminNames: string[] = [];
    adminWb.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) adminNames.push(String(row.getCell(1).value));
    });
    expect(adminNames.sort()).toEqual(['华景置业有限公司', '宏远建设有限公司']);
  });
});

describe('import CLI', () => {
  it('prints the dry-run report and writes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gantry-import-'));
    const file = path.join(dir, 'customers.xlsx');
    await writeFile(
      file,
      await workbook([
        ['新客户有限公司', '民营企业', '13655556666'],
        ['坏电话', '个人', '12345'],
      ]),
    );
    let printed = '';
    const out = new Writable({
      write(chunk, _enc, cb) {
        printed += String(chunk);
        cb();
      },
    });
    const before = await count();
    const report = await importCustomers(
      sys.server.container,
      { file, dryRun: true, owner: 'wang.qiang' },
      out,
      { isTTY: false } as NodeJS.WriteStream,
    );
    expect(report).toMatchObject({ dryRun: true, totalRows: 2, imported: 1 });
    expect(printed).toContain('试导入（未写入任何数据）');
    expect(printed).toContain('数据行：2，可导入：1，跳过：1');
    expect(printed).toMatch(/第 3 行「坏电话」：电话：电话号码格式不正确/);
    expect(await count()).toBe(before);
  });
});
