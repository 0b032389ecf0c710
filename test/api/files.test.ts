import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import sharp from 'sharp';
import type { FileRef } from '@gantry/shared';
import type { Actor } from '../../server/src/core/auth/actor';
import { UrlSigner } from '../../server/src/core/files/signed-url';
import { startTestSystem, type TestSystem } from '../support/system';

const MAX_BYTES = 1024 * 1024;
let sys: TestSystem;
let dataDir: string;
const who: Record<'pm' | 'eng' | 'outsider' | 'custA' | 'custB', { token: string; actor: Actor }> =
  {} as never;
let projectA: string;
let projectB: string;

async function signIn(token: string) {
  const actor = await sys.server.container.sessions.resolve(token);
  if (!actor) throw new Error('no session');
  return { token, actor };
}
async function staff(role: 'pm' | 'engineer', username: string, name: string) {
  const user = await sys.seed.staff(role, { username, name });
  return signIn(await sys.loginStaff(username, user.password));
}
async function portal(openid: string, customerName: string) {
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName });
  return { customerId: customer.id, ...(await signIn(await sys.loginWechat(openid))) };
}
async function project(code: string, customerId: string, pmId: string, engineerIds: string[]) {
  const doc = await sys.server.container.models.projects.create({
    code,
    name: `项目${code}`,
    customerId: new Types.ObjectId(customerId),
    address: '上海市浦东新区',
    pmId: new Types.ObjectId(pmId),
    engineerIds: engineerIds.map((id) => new Types.ObjectId(id)),
    plannedStart: new Date('2026-01-01'),
    plannedEnd: new Date('2026-12-31'),
  });
  return String(doc._id);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-files-'));
  sys = await startTestSystem({ overrides: { files: { dataDir, maxBytes: MAX_BYTES } } });
  who.pm = await staff('pm', 'files.pm', '项目经理老陈');
  who.eng = await staff('engineer', 'files.eng', '工程师小刘');
  who.outsider = await staff('engineer', 'files.other', '别的工程师');
  const a = await portal('openid-files-a', '甲方客户');
  const b = await portal('openid-files-b', '乙方客户');
  who.custA = a;
  who.custB = b;
  projectA = await project('F-A', a.customerId, who.pm.actor.id, [who.eng.actor.id]);
  projectB = await project('F-B', b.customerId, who.pm.actor.id, []);
});
afterAll(async () => {
  await sys?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const jpeg = (width = 1600, height = 1200) =>
  sharp({ create: { width, height, channels: 3, background: { r: 180, g: 90, b: 40 } } })
    .jpeg({ quality: 95 })
    .toBuffer();

interface UploadOpts {
  filename?: string;
  type?: string;
  projectId?: string;
  customerVisible?: 'true' | 'false';
}
async function upload(token: string, bytes: Buffer, opts: UploadOpts = {}) {
  const form = new FormData();
  if (opts.projectId) form.append('projectId', opts.projectId);
  if (opts.customerVisible) form.append('customerVisible', opts.customerVisible);
  form.append('file', new Blob([bytes], { type: opts.type ?? 'image/jpeg' }), opts.filename ?? '现场.jpg');
  const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function uploaded(token: string, bytes: Buffer, opts: UploadOpts = {}): Promise<FileRef> {
  const res = await upload(token, bytes, opts);
  expect(res.status).toBe(201);
  return res.body as FileRef;
}
async function fetchBytes(url: string, token?: string) {
  const res = await fetch(
    `${sys.baseUrl}${url}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes, headers: res.headers };
}
const unsigned = (ref: FileRef, variant = 'content') => `/api/v1/files/${ref.id}/${variant}`;
const fileCount = () => sys.server.container.models.files.countDocuments();

describe('files: upload', () => {
  it('stores a JPEG, measures it and makes a smaller JPEG thumbnail', async () => {
    const original = await jpeg();
    const ref = await uploaded(who.eng.token, original, { projectId: projectA });
    expect(ref).toMatchObject({
      name: '现场.jpg',
      mime: 'image/jpeg',
      width: 1600,
      height: 1200,
      customerVisible: false,
      uploadedBy: { id: who.eng.actor.id, name: '工程师小刘' },
    });
    const content = await fetchBytes(ref.url);
    expect(content.status).toBe(200);
    expect(content.type).toBe('image/jpeg');
    expect(content.bytes.length).toBe(ref.size);
    const thumb = await fetchBytes(ref.thumbUrl!);
    expect(thumb.status).toBe(200);
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(thumb.bytes.length).toBeLessThan(content.bytes.length);
    const doc = await sys.server.container.models.files.findById(ref.id).lean();
    expect(doc?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.existsSync(path.join(dataDir, ...doc!.storageKey.split('/')))).toBe(true);
  });

  it('stores a PNG with transparency; its thumbnail is a JPEG', async () => {
    const png = await sharp({
      create: { width: 800, height: 400, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const ref = await uploaded(who.eng.token, png, { filename: 'plan.png', type: 'image/png' });
    expect(ref).toMatchObject({ mime: 'image/png', width: 800, height: 400 });
    const thumb = await fetchBytes(ref.thumbUrl!);
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 160 });
  });

  it('turns a phone photo upright and strips its EXIF (GPS) before anyone sees it', async () => {
    const rotated = await sharp(await jpeg(400, 200))
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(rotated).metadata()).exif).toBeDefined();
    const ref = await uploaded(who.eng.token, rotated);
    expect([ref.width, ref.height]).toEqual([200, 400]);
    const meta = await sharp((await fetchBytes(ref.url)).bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('refuses a disguised non-image by its content, whatever its name and declared type', async () => {
    const before = await fileCount();
    const text = await upload(who.eng.token, Buffer.from('这不是图片，只是一段文字。'.repeat(20)));
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(text.body.error.message).toMatch(/只能上传.*图片/);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.alloc(400, 0x90)]);
    exe.writeUInt32LE(64, 0x3c);
    Buffer.from('PE\0\0').copy(exe, 64);
    const disguised = await upload(who.eng.token, exe, { filename: 'photo.jpg', type: 'image/jpeg' });
    expect(disguised.status).toBe(400);
    expect(disguised.body.error).toMatchObject({
      code: 'FILE_TYPE_NOT_ALLOWED',
      details: { detected: expect.any(String) },
    });
    const broken = Buffer.concat([(await jpeg()).subarray(0, 200), Buffer.alloc(2000, 7)]);
    const corrupt = await upload(who.eng.token, broken);
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.error.code).toBe('FILE_UNREADABLE');
    expect(await fileCount()).toBe(before);
  });

  it('accepts a PDF (no thumbnail, no dimensions)', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const ref = await uploaded(who.pm.token, pdf, { filename: '验收单.pdf', type: 'application/pdf' });
    expect(ref).toMatchObject({ mime: 'application/pdf', width: null, height: null, thumbUrl: null });
  });

  it('refuses a file over the size limit, declared or streamed', async () => {
    const big = Buffer.concat([(await jpeg(64, 64)).subarray(0, 100), Buffer.alloc(MAX_BYTES + 1000, 1)]);
    const declared = await upload(who.eng.token, big);
    expect(declared.status).toBe(400);
    expect(declared.body.error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/1 MB/),
    });

    // Chunked, without Content-Length: the limit holds while the body streams in.
    const boundary = 'gantryboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const parts = [Buffer.from(head), big, Buffer.from(`\r\n--${boundary}--\r\n`)];
    const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${who.eng.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: new ReadableStream({
        pull(controller) {
          const next = parts.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('asks for multipart with a file field', async () => {
    const json = await sys.api.post('/api/v1/files', { file: 'x' }, who.eng.token);
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('projectId', projectA);
    const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who.eng.token}` },
      body: form,
    });
    expect(res.status).toBe(400);
  });
});
