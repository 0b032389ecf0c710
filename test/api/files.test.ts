import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
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
  form.append(
    'file',
    new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'image/jpeg' }),
    opts.filename ?? '现场.jpg',
  );
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
/** A small PNG whose header claims `width`×`height` (a decompression bomb as far as a decoder can tell). */
async function claimsPixels(png: Buffer, width: number, height: number) {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(zlib.crc32(out.subarray(12, 29)), 29);
  return out;
}
const unsigned = (ref: FileRef, variant = 'content') => `/api/v1/files/${ref.id}/${variant}`;
const anyRecord = () => ({ kind: 'daily_log' as const, id: new Types.ObjectId() });
/** Shown to the customer the only way there is: a customer-visible record references it. */
const showInRecord = (ref: FileRef, projectId: string) =>
  sys.server.container.services.files.attach(who.eng.actor, [ref.id], {
    projectId,
    customerVisible: true,
    record: anyRecord(),
  });
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
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(content.headers.get('content-security-policy')).toMatch(/sandbox/);
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
    expect(await sharp((await fetchBytes(ref.thumbUrl!)).bytes).metadata()).toMatchObject({
      width: 160,
      height: 320,
    });
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
    const bomb = await upload(
      who.eng.token,
      await claimsPixels(
        await sharp(await jpeg(8, 8))
          .png()
          .toBuffer(),
        20_000,
        20_000,
      ),
    );
    expect(bomb.status).toBe(400);
    expect(bomb.body.error).toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(/像素过多/),
    });
    expect(await fileCount()).toBe(before);
  });

  it('accepts a PDF (no thumbnail, no dimensions)', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const ref = await uploaded(who.pm.token, pdf, { filename: '验收单.pdf', type: 'application/pdf' });
    expect(ref).toMatchObject({ mime: 'application/pdf', width: null, height: null, thumbUrl: null });
    const content = await fetchBytes(ref.url);
    expect(content.type).toBe('application/pdf');
    expect(content.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''/);
    expect(content.bytes.equals(pdf)).toBe(true);
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

describe('files: who sees what', () => {
  let visible: FileRef;
  let internal: FileRef;
  beforeAll(async () => {
    visible = await uploaded(who.eng.token, await jpeg(300, 200), {
      projectId: projectA,
      customerVisible: 'true',
    });
    await showInRecord(visible, projectA);
    internal = await uploaded(who.eng.token, await jpeg(300, 200), { projectId: projectA });
  });
  const meta = (ref: FileRef, token: string) => sys.api.get(`/api/v1/files/${ref.id}`, token);

  it("hides a project's files from another project's customer: metadata and content answer 404", async () => {
    expect((await meta(visible, who.custB.token)).status).toBe(404);
    expect((await fetchBytes(unsigned(visible), who.custB.token)).status).toBe(404);
    expect((await fetchBytes(unsigned(visible, 'thumbnail'), who.custB.token)).status).toBe(404);
    expect((await meta(visible, who.outsider.token)).status).toBe(404);
  });

  it('shows the customer only customer-visible files; the engineer and PM on the project see internal ones', async () => {
    const own = await meta(visible, who.custA.token);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: visible.id, customerVisible: true });
    expect((await fetchBytes(unsigned(visible), who.custA.token)).status).toBe(200);
    expect((await meta(internal, who.custA.token)).status).toBe(404);
    expect((await fetchBytes(unsigned(internal), who.custA.token)).status).toBe(404);
    for (const staff of [who.eng, who.pm]) {
      expect((await meta(internal, staff.token)).status).toBe(200);
      expect((await fetchBytes(unsigned(internal), staff.token)).status).toBe(200);
    }
  });

  it("shows an unbound upload to its uploader only; a customer's own upload is customer-visible", async () => {
    const mine = await uploaded(who.custA.token, await jpeg(100, 100), { customerVisible: 'false' });
    expect(mine.customerVisible).toBe(true);
    expect((await meta(mine, who.custA.token)).status).toBe(200);
    expect((await meta(mine, who.pm.token)).status).toBe(404);
    const other = await upload(who.custA.token, await jpeg(100, 100), { projectId: projectB });
    expect(other.status).toBe(404);
  });

  it('serves a signed URL without a token, and refuses it expired or tampered', async () => {
    const fresh = (await meta(visible, who.custA.token)).body as FileRef;
    expect((await fetchBytes(fresh.url)).status).toBe(200);
    const ok = await fetchBytes(fresh.thumbUrl!);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const url = new URL(fresh.url, sys.baseUrl);
    const sig = url.searchParams.get('sig')!;
    const tampered = [
      fresh.url.replace(sig, `${sig.slice(0, -2)}xx`),
      fresh.url.replace(visible.id, internal.id),
      fresh.url.replace(
        `exp=${url.searchParams.get('exp')}`,
        `exp=${Number(url.searchParams.get('exp')) + 3600}`,
      ),
      fresh.url.replace('/content?', '/thumbnail?'),
    ];
    for (const bad of tampered) {
      const res = await fetchBytes(bad);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.bytes.toString()).error.code).toBe('FILE_LINK_INVALID');
    }
    const anHourAgo = new UrlSigner(sys.config.files.signingSecret, 60, () => Date.now() - 3600_000);
    expect((await fetchBytes(anHourAgo.url(visible.id, 'content'))).status).toBe(403);
    expect((await fetchBytes(unsigned(visible))).status).toBe(401);
  });
});

describe('files: attach() and refs() for other modules', () => {
  const files = () => sys.server.container.services.files;

  it('binds own unbound uploads to a project, idempotently; the customer then sees them', async () => {
    const a = await uploaded(who.eng.token, await jpeg(200, 100));
    const b = await uploaded(who.eng.token, await jpeg(200, 100));
    const record = anyRecord();
    const target = { projectId: projectA, customerVisible: true, record };
    const refs = await files().attach(who.eng.actor, [b.id, a.id], target);
    expect(refs.map((r) => [r.id, r.customerVisible])).toEqual([
      [b.id, true],
      [a.id, true],
    ]);
    expect((await files().attach(who.eng.actor, [b.id, a.id], target)).map((r) => r.id)).toEqual([
      b.id,
      a.id,
    ]);
    const audit = await sys.server.container.audit.forResource('file', a.id);
    expect(audit.filter((e) => e.action === 'file.attached')).toHaveLength(1);
    expect((await sys.api.get(`/api/v1/files/${a.id}`, who.custA.token)).status).toBe(200);
    // The record turned internal and kept one photo: its photos go with it, the dropped one too.
    await files().attach(who.pm.actor, [a.id], { projectId: projectA, customerVisible: false, record });
    expect(await files().refs(who.custA.actor, [a.id, b.id])).toEqual([]);
    expect((await sys.api.get(`/api/v1/files/${a.id}`, who.custA.token)).status).toBe(404);
    const docB = await sys.server.container.models.files.findById(b.id).lean();
    expect(docB?.refs).toEqual([]);
  });

  it("refuses unknown, someone else's or another project's files with 400 listing them, and changes nothing", async () => {
    const mine = await uploaded(who.eng.token, await jpeg(50, 50));
    const theirs = await uploaded(who.outsider.token, await jpeg(50, 50));
    const elsewhere = await uploaded(who.pm.token, await jpeg(50, 50), { projectId: projectB });
    const unknown = String(new Types.ObjectId());
    const err = await files()
      .attach(who.eng.actor, [mine.id, theirs.id, unknown], {
        projectId: projectA,
        customerVisible: false,
        record: anyRecord(),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      details: { fileIds: [theirs.id, unknown] },
    });
    const moved = await files()
      .attach(who.pm.actor, [elsewhere.id], {
        projectId: projectA,
        customerVisible: false,
        record: anyRecord(),
      })
      .catch((e: unknown) => e);
    expect(moved).toMatchObject({ code: 'VALIDATION_FAILED', details: { fileIds: [elsewhere.id] } });
    const doc = await sys.server.container.models.files.findById(mine.id).lean();
    expect(doc?.projectId).toBeNull();
    const foreign = await files()
      .attach(who.outsider.actor, [theirs.id], {
        projectId: projectA,
        customerVisible: false,
        record: anyRecord(),
      })
      .catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refs() keeps the order, drops what the actor may not see, and signs fresh URLs', async () => {
    const shown = await uploaded(who.eng.token, await jpeg(60, 60), {
      projectId: projectA,
      customerVisible: 'true',
    });
    await showInRecord(shown, projectA);
    const hidden = await uploaded(who.eng.token, await jpeg(60, 60), { projectId: projectA });
    const ids = [hidden.id, 'not-an-id', shown.id, String(new Types.ObjectId())];
    expect((await files().refs(who.custA.actor, ids)).map((r) => r.id)).toEqual([shown.id]);
    expect((await files().refs(who.pm.actor, ids)).map((r) => r.id)).toEqual([hidden.id, shown.id]);
    expect(await files().refs(who.custB.actor, ids)).toEqual([]);
    const [ref] = await files().refs(who.custA.actor, [shown.id]);
    expect((await fetchBytes(ref!.url)).status).toBe(200);
  });
});

describe('files: project gallery and clean-up', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

  it("lists a project's files newest first, paged; the customer sees only customer-visible ones", async () => {
    const projectC = await project('F-C', who.custA.actor.customerId!, who.pm.actor.id, [who.eng.actor.id]);
    const shown = await uploaded(who.eng.token, await jpeg(80, 80), {
      projectId: projectC,
      customerVisible: 'true',
    });
    const hidden = await uploaded(who.eng.token, await jpeg(80, 80), { projectId: projectC });
    const doc = await uploaded(who.pm.token, pdf, {
      projectId: projectC,
      customerVisible: 'true',
      type: 'application/pdf',
    });
    await showInRecord(shown, projectC);
    await showInRecord(doc, projectC);
    const list = (token: string, q = '') => sys.api.get(`/api/v1/projects/${projectC}/files${q}`, token);
    const ids = (res: { body: { items: FileRef[] } }) => res.body.items.map((f) => f.id);

    expect(ids(await list(who.custA.token))).toEqual([doc.id, shown.id]);
    expect(ids(await list(who.custA.token, '?kind=image'))).toEqual([shown.id]);
    const first = await list(who.eng.token, '?limit=2');
    expect(ids(first)).toEqual([doc.id, hidden.id]);
    expect(ids(await list(who.eng.token, `?limit=2&cursor=${first.body.nextCursor}`))).toEqual([shown.id]);
    expect((await list(who.custB.token)).status).toBe(404);
    expect((await list(who.outsider.token)).status).toBe(404);
  });

  it('purges uploads never attached to a record, bytes included; attached ones stay', async () => {
    const files = sys.server.container.services.files;
    const abandoned = await uploaded(who.eng.token, await jpeg(40, 40));
    const kept = await uploaded(who.eng.token, await jpeg(40, 40));
    await files.attach(who.eng.actor, [kept.id], {
      projectId: projectA,
      customerVisible: false,
      record: anyRecord(),
    });
    expect((await files.purgeUnattached(30)).deleted).toBe(0);
    const stored = (await sys.server.container.models.files.findById(abandoned.id).lean())!;
    await new Promise((r) => setTimeout(r, 1100)); // ObjectId time has one-second resolution
    expect((await files.purgeUnattached(0)).deleted).toBeGreaterThanOrEqual(1);
    expect((await sys.api.get(`/api/v1/files/${abandoned.id}`, who.eng.token)).status).toBe(404);
    expect(fs.existsSync(path.join(dataDir, ...stored.storageKey.split('/')))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, ...`${stored.storageKey}.thumb`.split('/')))).toBe(false);
    expect((await fetchBytes(unsigned(kept), who.eng.token)).status).toBe(200);
  });
});
