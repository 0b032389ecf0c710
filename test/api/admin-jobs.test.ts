import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';

const JOB = 'invites.purge-expired';
const DAY = 86_400_000;
let sys: TestSystem;
let adminToken: string;

beforeAll(async () => {
  // The scheduler on (it is off in config/test.json) so the list shows real next run times; 03:30 is far away.
  sys = await startTestSystem({ overrides: { scheduler: { enabled: true } } });
  const admin = await sys.seed.staff('admin');
  adminToken = await sys.loginStaff(admin.username, admin.password);
});
afterAll(async () => {
  await sys?.close();
});

async function seedInvite(code: string, expiresAt: Date) {
  await sys.server.container.models.invites.create({
    code,
    customerId: new Types.ObjectId(),
    createdBy: new Types.ObjectId(),
    expiresAt,
  });
}

async function waitForRunEnd(runId: string) {
  for (let i = 0; i < 100; i += 1) {
    const res = await sys.api.get(`/api/v1/admin/jobs/${JOB}/runs`, adminToken);
    const run = res.body.items.find((r: { id: string }) => r.id === runId);
    if (run && run.outcome !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('run did not end');
}

describe('admin scheduled jobs', () => {
  it('lists every job with its cron, next run (03:30 Asia/Shanghai) and no last run yet', async () => {
    const res = await sys.api.get('/api/v1/admin/jobs', adminToken);
    expect(res.status).toBe(200);
    const job = res.body.items.find((j: { name: string }) => j.name === JOB);
    expect(job).toMatchObject({
      cron: '0 30 3 * * *',
      timezone: 'Asia/Shanghai',
      enabled: true,
      lastRun: null,
    });
    expect(job.description).toMatch(/邀请码/);
    // 03:30 in Shanghai (UTC+8) is 19:30 UTC, within the next day.
    expect(job.nextRunAt).toMatch(/T19:30:00\.000Z$/);
    expect(new Date(job.nextRunAt).getTime() - Date.now()).toBeLessThanOrEqual(DAY);
  });

  it('runs purge-expired on demand: 202 with the run, then a succeeded run that deleted only old invites', async () => {
    await seedInvite('OLDAAAA2', new Date(Date.now() - 40 * DAY));
    await seedInvite('OLDBBBB3', new Date(Date.now() - 31 * DAY));
    await seedInvite('RECENT45', new Date(Date.now() - 10 * DAY));
    await seedInvite('VALID678', new Date(Date.now() + DAY));

    const started = await sys.api.post(`/api/v1/admin/jobs/${JOB}/run`, undefined, adminToken);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ job: JOB, trigger: 'manual', outcome: 'running', endedAt: null });

    const run = await waitForRunEnd(started.body.id);
    expect(run).toMatchObject({ outcome: 'succeeded', result: { deleted: 2 }, error: null });
    const left = await sys.server.container.models.invites.find().distinct('code');
    expect(left.sort()).toEqual(['RECENT45', 'VALID678']);

    const list = await sys.api.get('/api/v1/admin/jobs', adminToken);
    const job = list.body.items.find((j: { name: string }) => j.name === JOB);
    expect(job.lastRun).toMatchObject({ id: started.body.id, outcome: 'succeeded' });
    const audit = await sys.server.container.audit.forResource('job', JOB);
    expect(audit.map((a) => a.action)).toContain('job.triggered');
  });

  it('pages through the runs newest first', async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await sys.api.post(`/api/v1/admin/jobs/${JOB}/run`, undefined, adminToken);
      expect(res.status).toBe(202);
      await waitForRunEnd(res.body.id);
    }
    const page1 = await sys.api.get(`/api/v1/admin/jobs/${JOB}/runs?limit=2`, adminToken);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await sys.api.get(
      `/api/v1/admin/jobs/${JOB}/runs?limit=2&cursor=${page1.body.nextCursor}`,
      adminToken,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses non-admins with 403 and answers 404 for an unknown job', async () => {
    const pm = await sys.seed.staff('pm');
    const pmToken = await sys.loginStaff(pm.username, pm.password);
    expect((await sys.api.get('/api/v1/admin/jobs', pmToken)).status).toBe(403);
    const denied = await sys.api.post(`/api/v1/admin/jobs/${JOB}/run`, undefined, pmToken);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect((await sys.api.get('/api/v1/admin/jobs')).status).toBe(401);

    const unknown = await sys.api.post('/api/v1/admin/jobs/no.such-job/run', undefined, adminToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await sys.api.get('/api/v1/admin/jobs/no.such-job/runs', adminToken)).status).toBe(404);
  });
});
