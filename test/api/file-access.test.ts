import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import type { FileRef } from '@gantry/shared';
import { backfillFileReferences } from '../../scripts/backfill-file-references';
import { keyFor } from '../../server/src/modules/files/file-upload-input';
import { portalProject, uploadPhoto, type PortalProject } from '../support/portal-project';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Who may fetch a file is decided when it is fetched, from the records that reference it: the
 * customer through a customer-visible record only, and a photo shown by one record stays internal
 * in another. Uploads a crash cut short leave nothing the purge job does not find.
 */
let sys: TestSystem;
let dataDir: string;
let p: PortalProject;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-file-access-'));
  sys = await startTestSystem({ overrides: { files: { dataDir } } });
  p = await portalProject(sys);
});
afterAll(async () => {
  await sys?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const meta = (id: string, token: string) => sys.api.get(`/api/v1/files/${id}`, token);
const bytes = async (url: string, token?: string) =>
  (await fetch(`${sys.baseUrl}${url}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}))
    .status;
const content = (id: string) => `/api/v1/files/${id}/content`;
const dailyLog = (token: string, body: Record<string, unknown>) =>
  sys.api.post(
    `/api/v1/projects/${p.projectId}/daily-logs`,
    { weather: 'sunny', headcount: 8, workDone: '三层墙体砌筑', ...body },
    token,
  );
const post = (token: string, fileIds: string[]) =>
  sys.api.post(`/api/v1/projects/${p.projectId}/messages`, { text: '请看现场照片', fileIds }, token);
const gallery = async (token: string) =>
  ((await sys.api.get(`/api/v1/projects/${p.projectId}/files`, token)).body.items as FileRef[]).map(
    (f) => f.id,
  );

describe('files: the records that reference a file decide who fetches it', () => {
  it('an internal site photo sent in a chat message: the customer fetches it through the message only, until it is retracted', async () => {
    const photo = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
    const log = await dailyLog(p.engineer.token, { photoIds: [photo.id], customerVisible: false });
    expect(log.status).toBe(201);
    expect((await meta(photo.id, p.customer.token)).status).toBe(404);

    const sent = await post(p.engineer.token, [photo.id]);
    expect(sent.status).toBe(201);
    const [attachment] = sent.body.attachments as FileRef[];
    expect(attachment).toMatchObject({ id: photo.id, customerVisible: true });

    // The customer's thread shows it, with a link that loads.
    const thread = await sys.api.get(`/api/v1/projects/${p.projectId}/messages`, p.customer.token);
    const shown = (thread.body.items as Array<{ attachments: FileRef[] }>).flatMap((m) => m.attachments);
    const customerLink = shown.find((f) => f.id === photo.id)!;
    expect(customerLink).toBeDefined();
    expect(await bytes(customerLink.url)).toBe(200);
    expect(await bytes(content(photo.id), p.customer.token)).toBe(200);

    // The daily log it came from is still internal, and says so about its photo.
    const staffLog = await sys.api.get(`/api/v1/daily-logs/${log.body.id}`, p.pm.token);
    expect(staffLog.body.photos).toEqual([expect.objectContaining({ id: photo.id, customerVisible: false })]);
    expect((await sys.api.get(`/api/v1/daily-logs/${log.body.id}`, p.customer.token)).status).toBe(404);

    const retracted = await sys.api.post(`/api/v1/messages/${sent.body.id}/retract`, {}, p.engineer.token);
    expect(retracted.status).toBe(200);
    expect((await meta(photo.id, p.customer.token)).status).toBe(404);
    expect(await bytes(content(photo.id), p.customer.token)).toBe(404);
    // The link the customer was given while it was shown stops working before it expires.
    expect(await bytes(customerLink.url)).toBe(404);
    expect(await bytes(customerLink.thumbUrl!)).toBe(404);
    expect(await gallery(p.customer.token)).not.toContain(photo.id);
    // Staff keep it: the daily log still holds it. Both changes of access are in the audit log.
    expect(await bytes(content(photo.id), p.pm.token)).toBe(200);
    const audit = await sys.server.container.audit.forResource('file', photo.id);
    const after = (e: { after?: unknown }) =>
      (e.after ?? {}) as { record?: string; customerVisible?: boolean };
    expect(audit.map((e) => [e.action, after(e).record, after(e).customerVisible]).reverse()).toEqual([
      ['file.uploaded', undefined, undefined],
      ['file.attached', `daily_log:${log.body.id}`, false],
      ['file.attached', `chat_message:${sent.body.id}`, true],
      ['file.withdrawn', `chat_message:${sent.body.id}`, false],
    ]);
  });

  it('a customer-visible daily log made internal withdraws its photo, links included', async () => {
    const photo = await uploadPhoto(sys, p.pm.token, p.projectId, true);
    const log = await dailyLog(p.pm.token, { photoIds: [photo.id], customerVisible: true });
    expect(log.status).toBe(201);
    const seen = await sys.api.get(`/api/v1/daily-logs/${log.body.id}`, p.customer.token);
    expect(seen.status).toBe(200);
    const link = (seen.body.photos as FileRef[])[0]!;
    expect(await bytes(link.url)).toBe(200);
    expect(await gallery(p.customer.token)).toContain(photo.id);

    const patched = await sys.api.request('PATCH', `/api/v1/daily-logs/${log.body.id}`, {
      body: { customerVisible: false },
      token: p.pm.token,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.photos).toEqual([expect.objectContaining({ id: photo.id, customerVisible: false })]);
    expect((await meta(photo.id, p.customer.token)).status).toBe(404);
    expect(await bytes(link.url)).toBe(404);
    expect(await gallery(p.customer.token)).not.toContain(photo.id);
  });

  it("a file of another customer's project is 404 to this customer, by id and by token", async () => {
    const photo = await uploadPhoto(sys, p.engineer.token, p.projectId, true);
    const sent = await post(p.engineer.token, [photo.id]);
    expect(sent.status).toBe(201);
    expect((await meta(photo.id, p.otherCustomer.token)).status).toBe(404);
    expect(await bytes(content(photo.id), p.otherCustomer.token)).toBe(404);
    expect(await bytes(`${content(photo.id)}`.replace('content', 'thumbnail'), p.otherCustomer.token)).toBe(
      404,
    );
  });

  it('asking for a customer’s file upload does not make it visible: only a record does', async () => {
    const photo = await uploadPhoto(sys, p.engineer.token, p.projectId, true);
    expect(photo.customerVisible).toBe(true); // what the uploader asked for, shown on the answer
    expect((await meta(photo.id, p.customer.token)).status).toBe(404);
    expect(await gallery(p.customer.token)).not.toContain(photo.id);
  });
});

describe('files: uploads interrupted mid-way', () => {
  const files = () => sys.server.container.services.files;
  const model = () => sys.server.container.models.files;
  const onDisk = (key: string) => path.join(dataDir, ...key.split('/'));
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
  const writeBytes = (key: string, at: Date) => {
    fs.mkdirSync(path.dirname(onDisk(key)), { recursive: true });
    fs.writeFileSync(onDisk(key), 'bytes');
    fs.utimesSync(onDisk(key), at, at);
  };
  const leftUploading = async (id: Types.ObjectId) => {
    const storageKey = keyFor(id);
    await model().collection.insertOne({
      _id: id,
      name: '现场.jpg',
      mime: 'image/jpeg',
      size: 5,
      sha256: 'x',
      width: null,
      height: null,
      storageKey,
      thumbKey: null,
      status: 'uploading',
      projectId: new Types.ObjectId(p.projectId),
      refs: [],
      visibleVia: [],
      intendedVisible: false,
      uploaderId: p.engineer.id,
      uploaderKind: 'staff',
      uploaderName: '工程师',
      createdAt: id.getTimestamp(),
      updatedAt: id.getTimestamp(),
    });
    return storageKey;
  };

  it('a finished upload is stored with its record first; the record says `stored`', async () => {
    const photo = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
    const doc = await model().findById(photo.id).lean();
    expect(doc?.status).toBe('stored');
    expect(fs.existsSync(onDisk(doc!.storageKey))).toBe(true);
  });

  it('purges bytes with no record and records left `uploading`, and leaves an upload in progress alone', async () => {
    const kept = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
    const keptDoc = (await model().findById(kept.id).lean())!;
    // Bytes whose record was never written (or deleted before them), and a dead put's temp file.
    const orphanId = Types.ObjectId.createFromTime(Math.floor(hoursAgo(3).getTime() / 1000));
    writeBytes(keyFor(orphanId), hoursAgo(3));
    writeBytes(`${keyFor(orphanId)}.thumb`, hoursAgo(3));
    writeBytes(`${keyFor(orphanId)}.a1b2c3.tmp`, hoursAgo(3));
    // A record whose upload died after the record and part of the bytes.
    const stalledId = Types.ObjectId.createFromTime(Math.floor(hoursAgo(2).getTime() / 1000));
    const stalledKey = await leftUploading(stalledId);
    writeBytes(stalledKey, hoursAgo(2));
    // An upload in flight right now: record written, bytes being written.
    const liveId = new Types.ObjectId();
    const liveKey = await leftUploading(liveId);
    writeBytes(liveKey, new Date());
    const strayNow = keyFor(new Types.ObjectId());
    writeBytes(strayNow, new Date());

    const result = await files().purgeUnattached(30);
    expect(result).toMatchObject({ stalled: 1 });
    expect(result.orphanBytes).toBeGreaterThanOrEqual(3);
    for (const key of [
      keyFor(orphanId),
      `${keyFor(orphanId)}.thumb`,
      `${keyFor(orphanId)}.a1b2c3.tmp`,
      stalledKey,
    ])
      expect(fs.existsSync(onDisk(key))).toBe(false);
    expect(await model().exists({ _id: stalledId })).toBeNull();
    // Still there: the live upload (record and bytes), fresh bytes, and a finished file.
    expect(await model().exists({ _id: liveId })).not.toBeNull();
    expect(fs.existsSync(onDisk(liveKey))).toBe(true);
    expect(fs.existsSync(onDisk(strayNow))).toBe(true);
    expect(fs.existsSync(onDisk(keptDoc.storageKey))).toBe(true);
    expect(await bytes(content(kept.id), p.engineer.token)).toBe(200);
    // A record still `uploading` is nobody's file yet: not served, not attachable.
    expect((await meta(String(liveId), p.engineer.token)).status).toBe(404);
    const sent = await post(p.engineer.token, [String(liveId)]);
    expect(sent.status).toBe(400);
  });
});

describe('files written before references: the one-off backfill', () => {
  it('gives older files the references of the records that list them, and only those', async () => {
    const conn = sys.server.container.conn;
    const legacyFile = (visibleFlag: boolean) => {
      const _id = new Types.ObjectId();
      return {
        _id,
        name: '旧照片.jpg',
        mime: 'image/jpeg',
        size: 5,
        sha256: 'x',
        width: null,
        height: null,
        storageKey: keyFor(_id),
        thumbKey: null,
        projectId: new Types.ObjectId(p.projectId),
        customerVisible: visibleFlag,
        uploaderId: p.engineer.id,
        uploaderKind: 'staff',
        uploaderName: '工程师',
        createdAt: new Date(),
        updatedAt: new Date(),
      };
    };
    const [inVisibleLog, inRetracted, inInternalLog] = [legacyFile(true), legacyFile(true), legacyFile(true)];
    await conn.collection('files').insertMany([inVisibleLog, inRetracted, inInternalLog]);
    await conn.collection('site_daily_logs').insertMany([
      {
        _id: new Types.ObjectId(),
        projectId: new Types.ObjectId(p.projectId),
        // one log per author and day, as the unique index (projectId, authorId, date) wants on MongoDB
        authorId: new Types.ObjectId(),
        date: new Date('2026-11-02T00:00:00Z'),
        photoIds: [inVisibleLog._id],
        customerVisible: true,
      },
      {
        _id: new Types.ObjectId(),
        projectId: new Types.ObjectId(p.projectId),
        authorId: new Types.ObjectId(),
        date: new Date('2026-11-03T00:00:00Z'),
        photoIds: [inInternalLog._id],
        customerVisible: false,
      },
    ]);
    await conn.collection('chat_messages').insertOne({
      _id: new Types.ObjectId(),
      projectId: new Types.ObjectId(p.projectId),
      fileIds: [inRetracted._id],
      retractedAt: new Date(),
    });
    // The old flag alone grants nothing any more.
    expect((await meta(String(inVisibleLog._id), p.customer.token)).status).toBe(404);
    expect(await gallery(p.customer.token)).not.toContain(String(inVisibleLog._id));

    const first = await backfillFileReferences(conn);
    expect(first.references).toBeGreaterThanOrEqual(3);
    expect((await backfillFileReferences(conn)).references).toBe(0); // a second run changes nothing
    expect((await meta(String(inVisibleLog._id), p.customer.token)).status).toBe(200);
    expect(await gallery(p.customer.token)).toContain(String(inVisibleLog._id));
    expect(await gallery(p.customer.token)).not.toContain(String(inRetracted._id));
    expect((await meta(String(inRetracted._id), p.customer.token)).status).toBe(404);
    expect((await meta(String(inInternalLog._id), p.customer.token)).status).toBe(404);
    expect((await meta(String(inInternalLog._id), p.pm.token)).status).toBe(200);
  });
});
