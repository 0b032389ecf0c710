import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { spawnApiProcess, type ApiProcess } from '../support/spawned-api';
import { rawHttp, type RawRequest } from '../support/raw-http';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Bodies no honest client sends, over a bare socket, to a real API process: each is answered 4xx
 * (or, when the client cut the connection, nothing is left to answer) and the process goes on
 * serving, without logging an error for what is the client's fault.
 */
const MAX_FILE_BYTES = 64 * 1024;
const IDLE_MS = 600;
const REQUEST_TIMEOUT_MS = 2000;
const B = 'gantryBoundary7MA4YWxkTrZu0gW';

let sys: TestSystem;
let api: ApiProcess;
let portalToken: string;
let salesToken: string;
let png: Buffer;

beforeAll(async () => {
  sys = await startTestSystem();
  api = await spawnApiProcess(sys, {
    files: { maxBytes: MAX_FILE_BYTES },
    http: { bodyIdleTimeoutMs: IDLE_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
  // Any signed-in token will do: an unbound WeChat user is the least trusted caller there is.
  portalToken = await sys.loginWechat('o_hostile_unbound');
  const sales = await sys.seed.staff('sales');
  salesToken = await sys.loginStaff(sales.username, sales.password);
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
    .png()
    .toBuffer();
}, 60_000);
afterAll(async () => {
  await api?.stop();
  await sys?.close();
});

const filePart = (name: string, bytes: Buffer | string, filename = 'photo.png') =>
  Buffer.concat([
    Buffer.from(
      `--${B}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    Buffer.from(bytes),
    Buffer.from('\r\n'),
  ]);
const fieldPart = (name: string, value: string) =>
  Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const closing = Buffer.from(`--${B}--\r\n`);

function uploadHead(opts: { length?: number; contentType?: string; chunked?: boolean } = {}): string {
  const lines = [
    'POST /api/v1/files HTTP/1.1',
    `Host: 127.0.0.1:${api.port}`,
    `Authorization: Bearer ${portalToken}`,
    `Content-Type: ${opts.contentType ?? `multipart/form-data; boundary=${B}`}`,
    opts.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${opts.length ?? 0}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const send = (r: Omit<RawRequest, 'port'>) => rawHttp({ port: api.port, ...r });
const chunk = (b: Buffer) =>
  Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);

async function expectServing(): Promise<void> {
  expect(api.child.exitCode).toBeNull();
  const health = await fetch(`${api.url}/healthz`);
  expect(health.status).toBe(200);
  expect(api.errorLines()).toEqual([]);
}

describe('multipart uploads (POST /api/v1/files)', () => {
  it('answers 400 to a form whose closing boundary never comes, and keeps serving', async () => {
    const body = Buffer.concat([
      fieldPart('customerVisible', 'false'),
      filePart('file', png).subarray(0, -2),
    ]);
    const res = await send({ head: uploadHead({ length: body.length }), parts: [body], then: 'keep' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('上传内容格式有误');
    await expectServing();
  });

  it('survives the same unterminated form followed by the client half-closing the socket', async () => {
    const body = filePart('file', png).subarray(0, -2);
    const res = await send({ head: uploadHead({ length: body.length }), parts: [body], then: 'end' });
    if (res.status !== null) expect(res.status).toBe(400);
    await expectServing();
  });

  it('survives a connection cut in the middle of the file', async () => {
    const body = filePart('file', Buffer.alloc(40_000, 7));
    const res = await send({
      head: uploadHead({ length: body.length + closing.length }),
      parts: [body.subarray(0, 20_000)],
      then: 'destroy',
    });
    expect(res.status).toBeNull();
    await expectServing();
  });

  it('answers 408 with a Chinese message when the body stops arriving', async () => {
    const body = filePart('file', png);
    const res = await send({
      head: uploadHead({ length: body.length + closing.length }),
      parts: [body.subarray(0, 100)],
      then: 'keep',
      timeoutMs: REQUEST_TIMEOUT_MS * 3,
    });
    expect(res.status).toBe(408);
    expect(res.body.error.code).toBe('REQUEST_TIMEOUT');
    expect(res.body.error.message).toContain('没有继续发送');
    expect(res.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
    await expectServing();
  });

  it('answers 400 when the body does not use the boundary the header announced', async () => {
    const body = Buffer.concat([filePart('file', png), closing])
      .toString()
      .replaceAll(B, 'someOtherBoundary');
    const res = await send({
      head: uploadHead({ length: Buffer.byteLength(body) }),
      parts: [body],
      then: 'keep',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('上传内容格式有误');
    await expectServing();
  });

  it('answers 415 when the multipart header has no boundary', async () => {
    const body = Buffer.concat([filePart('file', png), closing]);
    const res = await send({
      head: uploadHead({ length: body.length, contentType: 'multipart/form-data' }),
      parts: [body],
      then: 'keep',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('multipart/form-data');
    await expectServing();
  });

  it('refuses a file sent under another field name, naming the right one', async () => {
    const body = Buffer.concat([filePart('photo', png), closing]);
    const res = await send({ head: uploadHead({ length: body.length }), parts: [body], then: 'keep' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('文件字段名应为 file，收到的是 photo');
    await expectServing();
  });

  it('refuses a form with more fields than allowed instead of dropping the extra ones', async () => {
    const fields = Array.from({ length: 11 }, (_, i) => fieldPart(`f${i}`, 'x'));
    const body = Buffer.concat([...fields, filePart('file', png), closing]);
    const res = await send({ head: uploadHead({ length: body.length }), parts: [body], then: 'keep' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('表单字段过多');
    await expectServing();
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    const res = await send({ head: uploadHead({ length: 50 * 1024 * 1024 }), parts: ['x'], then: 'keep' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    await expectServing();
  });

  it('refuses a chunked body (no length) once it grows past the limit, also outside the file part', async () => {
    const preamble = Buffer.alloc(MAX_FILE_BYTES * 2, 'a'); // busboy skips a preamble: only the guard counts it
    const res = await send({
      head: uploadHead({ chunked: true }),
      parts: [chunk(preamble), chunk(filePart('file', png))],
      then: 'keep',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    await expectServing();
  });

  it('refuses a chunked file part that grows past the limit', async () => {
    const big = filePart('file', Buffer.concat([png, Buffer.alloc(MAX_FILE_BYTES, 1)]));
    const res = await send({
      head: uploadHead({ chunked: true }),
      parts: [chunk(big.subarray(0, 1000)), chunk(big.subarray(1000))],
      then: 'keep',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('上传文件超过 0.1 MB 上限');
    await expectServing();
  });

  it('still takes a normal upload afterwards', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'ok.png');
    const res = await fetch(`${api.url}/api/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${portalToken}` },
      body: form,
    });
    expect(res.status).toBe(201);
    expect((await res.json()).mime).toBe('image/png');
    await expectServing();
  });
});

describe('JSON bodies', () => {
  const login = JSON.stringify({ username: 'nobody', password: 'wrong-password' });
  const head = (length: number) =>
    `POST /api/v1/auth/staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('answers 408 to a JSON body shorter than its Content-Length, once the request time is up', async () => {
    const res = await send({
      head: head(login.length + 40),
      parts: [login],
      then: 'keep',
      timeoutMs: REQUEST_TIMEOUT_MS * 4,
    });
    expect(res.status).toBe(408);
    await expectServing();
  });

  it('survives a JSON body cut off mid-way by the client', async () => {
    const res = await send({ head: head(login.length), parts: [login.slice(0, 10)], then: 'destroy' });
    expect(res.status).toBeNull();
    await expectServing();
  });
});

describe('Excel import (POST /api/v1/customers/import)', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  let workbook: Buffer;
  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('客户');
    sheet.addRow(['客户名称', '客户类型']);
    for (let i = 0; i < 200; i += 1) sheet.addRow([`导入客户${i}`, '开发商']);
    workbook = Buffer.from(await wb.xlsx.writeBuffer());
  });
  const post = (body: Buffer) =>
    fetch(`${api.url}/api/v1/customers/import?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${salesToken}`, 'content-type': XLSX },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(8000),
    });

  it('answers a truncated workbook with 400 and a Chinese message', async () => {
    const res = await post(workbook.subarray(0, Math.floor(workbook.length / 2)));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('请上传 .xlsx 格式的 Excel 文件');
    await expectServing();
  });

  it('answers a workbook with a damaged compressed entry with 400 instead of never answering', async () => {
    const damaged = Buffer.from(workbook);
    const sheetAt = damaged.indexOf('xl/worksheets/sheet1.xml');
    // Inside the sheet's compressed bytes, past its local header: the zip layout stays intact.
    for (let i = 0; i < 40; i += 1) damaged[sheetAt + 200 + i] = 0xff;
    const res = await post(damaged);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('请上传 .xlsx 格式的 Excel 文件');
    await expectServing();
  });

  /** The request line and headers of a whole workbook's import, of which the tests send only a part. */
  const importHead = () =>
    [
      'POST /api/v1/customers/import?dryRun=true HTTP/1.1',
      'Host: x',
      `Authorization: Bearer ${salesToken}`,
      `Content-Type: ${XLSX}`,
      `Content-Length: ${workbook.length}`,
    ].join('\r\n') + '\r\n\r\n';

  it('survives an import cut off mid-body by the client, without logging an error', async () => {
    const res = await send({ head: importHead(), parts: [workbook.subarray(0, 1000)], then: 'destroy' });
    expect(res.status).toBeNull();
    await new Promise((r) => setTimeout(r, 200)); // the server notices the cut a moment later
    await expectServing();
  });

  it('answers 408 when the workbook stops arriving', async () => {
    const res = await send({ head: importHead(), parts: [workbook.subarray(0, 1000)], then: 'keep' });
    expect(res.status).toBe(408);
    expect(res.body.error.code).toBe('REQUEST_TIMEOUT');
    await expectServing();
  });
});
