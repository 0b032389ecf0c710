import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { parseProjectQr, type FileRef } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  addEntry,
  addIssue,
  addMilestones,
  portalProject,
  siblingProject,
  showThroughRecord,
  uploadPhoto,
  type PortalProject,
} from '../support/portal-project';

let sys: TestSystem;
let p: PortalProject;
let visiblePhoto: FileRef;
let internalPhoto: FileRef;

beforeAll(async () => {
  sys = await startTestSystem();
  p = await portalProject(sys);
  visiblePhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, true);
  await showThroughRecord(sys, p.engineer.token, p.projectId, [visiblePhoto.id]);
  internalPhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
  // Weights 1 + 1 + 2 with the first confirmed: 25 %. The first finished 3 days late, so the project is 3 days late.
  await addMilestones(sys, p.projectId, [
    {
      name: '基础完工',
      weight: 1,
      status: 'confirmed',
      plannedEnd: '2026-10-01',
      actualEnd: '2026-10-04T02:00:00Z',
    },
    { name: '主体封顶', weight: 1, status: 'awaiting_confirmation', plannedEnd: '2099-01-01' },
    { name: '竣工验收', weight: 2, status: 'pending', plannedEnd: '2099-06-01' },
  ]);
  await addIssue(sys, p.projectId, { title: '外墙渗水', status: 'open', customerVisible: true });
  await addIssue(sys, p.projectId, { title: '塔吊安全隐患', status: 'in_progress', customerVisible: false });
  await addIssue(sys, p.projectId, { title: '已处理的问题', status: 'closed', customerVisible: true });
  await addEntry(sys, p.projectId, {
    title: '浇筑三层楼板',
    customerVisible: true,
    photoIds: [visiblePhoto.id, internalPhoto.id],
  });
  await addEntry(sys, p.projectId, {
    title: '内部：班组调整',
    customerVisible: false,
    photoIds: [internalPhoto.id],
  });
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('project home', () => {
  it('shows the customer progress, variance, next milestone and only what is theirs to see', async () => {
    const res = await sys.api.get(`/api/v1/projects/${p.projectId}/home`, p.customer.token);
    expect(res.status).toBe(200);
    expect(res.body.project).toMatchObject({ id: p.projectId, name: p.projectName, status: 'active' });
    expect(res.body.progress).toBe(25);
    expect(res.body.scheduleVarianceDays).toBe(3);
    expect(res.body.nextMilestone).toMatchObject({ name: '主体封顶', status: 'awaiting_confirmation' });
    expect(res.body.openItems).toEqual({ awaitingConfirmation: 1, openIssues: 1 });
    expect(res.body.latestPhotos.map((f: FileRef) => f.id)).toEqual([visiblePhoto.id]);
  });

  it('shows staff on the project the internal items too', async () => {
    const res = await sys.api.get(`/api/v1/projects/${p.projectId}/home`, p.engineer.token);
    expect(res.status).toBe(200);
    expect(res.body.openItems).toEqual({ awaitingConfirmation: 1, openIssues: 2 });
    expect(res.body.latestPhotos.map((f: FileRef) => f.id).sort()).toEqual(
      [visiblePhoto.id, internalPhoto.id].sort(),
    );
  });

  it('answers 404 to another customer and to an engineer not on the project', async () => {
    for (const token of [p.otherCustomer.token, p.outsider.token]) {
      expect((await sys.api.get(`/api/v1/projects/${p.projectId}/home`, token)).status).toBe(404);
      expect((await sys.api.get(`/api/v1/projects/${p.projectId}/timeline`, token)).status).toBe(404);
    }
  });
});

describe('timeline', () => {
  it('gives customers customer-visible entries with their visible photos only', async () => {
    const res = await sys.api.get(`/api/v1/projects/${p.projectId}/timeline`, p.customer.token);
    expect(res.status).toBe(200);
    const titles = res.body.items.map((i: { title: string }) => i.title);
    expect(titles).toContain('浇筑三层楼板');
    expect(titles).not.toContain('内部：班组调整');
    const entry = res.body.items.find((i: { title: string }) => i.title === '浇筑三层楼板');
    expect(entry.photos.map((f: FileRef) => f.id)).toEqual([visiblePhoto.id]);
    expect(entry.photos[0].url).toContain('sig=');
    expect(JSON.stringify(res.body)).not.toContain(internalPhoto.id);
  });

  it('gives the PM every entry', async () => {
    const res = await sys.api.get(`/api/v1/projects/${p.projectId}/timeline`, p.pm.token);
    const titles = res.body.items.map((i: { title: string }) => i.title);
    expect(titles).toEqual(expect.arrayContaining(['浇筑三层楼板', '内部：班组调整']));
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const q = { projectId: await siblingProject(sys, p), customer: p.customer };
    for (let i = 0; i < 23; i += 1)
      await addEntry(sys, q.projectId, { title: `日志${i}`, customerVisible: i % 4 !== 3 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await sys.api.get(
        `/api/v1/projects/${q.projectId}/timeline?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        q.customer.token,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { title: string }) => i.title));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    const expected = Array.from({ length: 23 }, (_, i) => i)
      .filter((i) => i % 4 !== 3)
      .reverse()
      .map((i) => `日志${i}`);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 5));
    const bad = await sys.api.get(`/api/v1/projects/${q.projectId}/timeline?cursor=nope`, q.customer.token);
    expect(bad.status).toBe(400);
  });
});

describe('project QR code', () => {
  it('is a PNG whose decoded text opens this project', async () => {
    const res = await fetch(`${sys.baseUrl}/api/v1/projects/${p.projectId}/qrcode`, {
      headers: { authorization: `Bearer ${p.engineer.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const decoded = jsQR(new Uint8ClampedArray(data), info.width, info.height);
    expect(decoded).not.toBeNull();
    expect(decoded!.data.startsWith(sys.config.http.publicUrl)).toBe(true);
    expect(parseProjectQr(decoded!.data)).toEqual({ projectId: p.projectId });
  });

  it('is served to the customer and refused (404) to strangers', async () => {
    const qr = (token: string) =>
      fetch(`${sys.baseUrl}/api/v1/projects/${p.projectId}/qrcode`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await qr(p.customer.token)).status).toBe(200);
    expect((await qr(p.otherCustomer.token)).status).toBe(404);
    expect((await qr(p.outsider.token)).status).toBe(404);
  });
});

describe('API document', () => {
  it('lists the portal routes, the share read without sign-in', async () => {
    const doc = await sys.api.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/projects/{id}/home'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.body.paths['/shared/{token}'].get.security).toBeUndefined();
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/projects/{id}/timeline',
        '/projects/{id}/qrcode',
        '/weekly-reports/{id}/send',
      ]),
    );
  });
});
