import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import type { FileRef } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  addEntry,
  addMilestones,
  portalProject,
  showThroughRecord,
  uploadPhoto,
  type PortalProject,
} from '../support/portal-project';

let sys: TestSystem;
let p: PortalProject;
let visiblePhoto: FileRef;
let internalPhoto: FileRef;

const createShare = (body: unknown, token = p.customer.token, projectId = p.projectId) =>
  sys.api.post(`/api/v1/projects/${projectId}/shares`, body, token);
const readShare = (token: string, query = '') => sys.api.get(`/api/v1/shared/${token}${query}`);

beforeAll(async () => {
  sys = await startTestSystem();
  p = await portalProject(sys);
  visiblePhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, true);
  await showThroughRecord(sys, p.engineer.token, p.projectId, [visiblePhoto.id]);
  internalPhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
  await addMilestones(sys, p.projectId, [
    {
      name: '基础完工',
      weight: 1,
      status: 'confirmed',
      plannedEnd: '2026-10-01',
      actualEnd: '2026-10-01T02:00:00Z',
    },
    { name: '主体封顶', weight: 1, status: 'in_progress', plannedEnd: '2099-01-01' },
  ]);
  await addEntry(sys, p.projectId, {
    title: '浇筑三层楼板',
    customerVisible: true,
    photoIds: [visiblePhoto.id, internalPhoto.id],
  });
  await addEntry(sys, p.projectId, {
    title: '内部：造价复核',
    customerVisible: false,
    photoIds: [internalPhoto.id],
  });
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('share links', () => {
  it('lets the customer create one that shows customer-visible progress without an account', async () => {
    const before = Date.now();
    const res = await createShare({ expiresInDays: 7, label: '给家人看' });
    expect(res.status).toBe(201);
    expect(res.body.url).toContain(res.body.token);
    expect(res.body.label).toBe('给家人看');
    const expires = Date.parse(res.body.expiresAt) - before;
    expect(expires).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(expires).toBeLessThan(7 * 86_400_000 + 60_000);

    const shared = await readShare(res.body.token);
    expect(shared.status).toBe(200);
    expect(shared.body.project).toEqual({ name: p.projectName, status: 'active' });
    expect(shared.body.progress).toBe(50);
    expect(shared.body.milestones.map((m: { name: string }) => m.name)).toEqual(['基础完工', '主体封顶']);
    expect(shared.body.nextMilestone.name).toBe('主体封顶');
    const entry = shared.body.timeline.items.find((i: { title: string }) => i.title === '浇筑三层楼板');
    expect(entry.photos.map((f: FileRef) => f.id)).toEqual([visiblePhoto.id]);
    const photo = await fetch(`${sys.baseUrl}${entry.photos[0].url}`);
    expect(photo.status).toBe(200);
  });

  it('never lets an internal item, photo or the address through', async () => {
    const { body } = await createShare({ expiresInDays: 1 });
    const text = JSON.stringify((await readShare(body.token)).body);
    expect(text).not.toContain('内部：造价复核');
    expect(text).not.toContain(internalPhoto.id);
    expect(text).not.toContain('江南大道');
  });

  it('keeps only a hash of the token', async () => {
    const { body } = await createShare({ expiresInDays: 3 });
    const stored = JSON.stringify(
      await sys.server.container.conn.collection('project_shares').find({}).toArray(),
    );
    expect(stored).not.toContain(body.token);
    expect(stored).toContain(crypto.createHash('sha256').update(body.token).digest('hex'));
  });

  it('refuses other customers (404), staff (403) and out-of-range expiries (400)', async () => {
    expect((await createShare({ expiresInDays: 7 }, p.otherCustomer.token)).status).toBe(404);
    expect((await createShare({ expiresInDays: 7 }, p.pm.token)).status).toBe(403);
    expect((await createShare({ expiresInDays: 31 })).status).toBe(400);
    expect((await createShare({ expiresInDays: 0 })).status).toBe(400);
  });

  it('lists active links to the customer and the PM, not to an engineer', async () => {
    const { body } = await createShare({ expiresInDays: 5, label: '合作方' });
    const list = await sys.api.get(`/api/v1/projects/${p.projectId}/shares`, p.customer.token);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(body.id);
    expect(JSON.stringify(list.body)).not.toContain(body.token);
    const pmList = await sys.api.get(`/api/v1/projects/${p.projectId}/shares`, p.pm.token);
    expect(pmList.body.items.map((s: { id: string }) => s.id)).toContain(body.id);
    expect((await sys.api.get(`/api/v1/projects/${p.projectId}/shares`, p.engineer.token)).status).toBe(403);
    expect((await sys.api.get(`/api/v1/projects/${p.projectId}/shares`, p.otherCustomer.token)).status).toBe(
      404,
    );
  });

  it('stops working once revoked (410), and the revocation is audited', async () => {
    const { body } = await createShare({ expiresInDays: 7 });
    expect((await readShare(body.token)).status).toBe(200);
    const other = await sys.api.request('DELETE', `/api/v1/shares/${body.id}`, {
      token: p.otherCustomer.token,
    });
    expect(other.status).toBe(404);
    const del = await sys.api.request('DELETE', `/api/v1/shares/${body.id}`, { token: p.customer.token });
    expect(del.status).toBe(204);
    const gone = await readShare(body.token);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('SHARE_EXPIRED');
    const list = await sys.api.get(`/api/v1/projects/${p.projectId}/shares`, p.customer.token);
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(body.id);
    const audit = await sys.server.container.audit.forResource('project_share', body.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['share.created', 'share.revoked']);
  });

  it('stops working once expired (410); an unknown token is 404', async () => {
    const { body } = await createShare({ expiresInDays: 1 });
    // Time travel: the link expired a second ago.
    await sys.server.container.conn
      .collection('project_shares')
      .updateOne({ _id: new Types.ObjectId(body.id) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await readShare(body.token)).status).toBe(410);
    expect((await readShare('x'.repeat(43))).status).toBe(404);
  });
});
