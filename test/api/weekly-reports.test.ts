import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calendarDateOf, type FileRef } from '@gantry/shared';
import { reportedWeekOf } from '../../server/src/modules/portal/weekly-report.compiler';
import { customerWithGrants, subscribeMessagesTo } from '../support/notify';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  addEntry,
  addIssue,
  addMilestones,
  portalProject,
  siblingProject,
  uploadPhoto,
  type PortalProject,
} from '../support/portal-project';

const DAY_MS = 86_400_000;
const JOB = 'projects.weekly-reports';

let sys: TestSystem;
let p: PortalProject;
let visiblePhoto: FileRef;
let internalPhoto: FileRef;
const tick = new Date();
const weekStart = reportedWeekOf(tick);
const inWeek = (days: number) => new Date(weekStart.getTime() + days * DAY_MS);

const runJob = async (at: Date) => {
  const run = await sys.server.container.scheduler.runTick(JOB, at);
  expect(run?.outcome).toBe('succeeded');
  return run!.result as { compiled: number; existing: number; sent: number };
};
const reportsOf = (projectId: string, token: string) =>
  sys.api.get(`/api/v1/projects/${projectId}/weekly-reports`, token);
const drain = () => sys.server.container.outboxWorker.drain();

beforeAll(async () => {
  sys = await startTestSystem();
  p = await portalProject(sys);
  visiblePhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, true);
  internalPhoto = await uploadPhoto(sys, p.engineer.token, p.projectId, false);
  await addMilestones(sys, p.projectId, [
    {
      name: '基础完工',
      weight: 1,
      status: 'confirmed',
      plannedEnd: '2026-10-01',
      actualEnd: '2026-10-01T02:00:00Z',
    },
    { name: '主体封顶', weight: 1, status: 'in_progress', plannedEnd: calendarDateOf(inWeek(9)) },
    { name: '竣工验收', weight: 2, status: 'pending', plannedEnd: '2099-06-01' },
  ]);
  await addIssue(sys, p.projectId, { title: '外墙渗水', status: 'open', customerVisible: true });
  await addIssue(sys, p.projectId, { title: '内部：安全隐患', status: 'open', customerVisible: false });
  await addEntry(sys, p.projectId, {
    title: '浇筑三层楼板',
    customerVisible: true,
    photoIds: [visiblePhoto.id],
    occurredAt: inWeek(2),
  });
  await addEntry(sys, p.projectId, {
    title: '内部：班组调整',
    customerVisible: false,
    photoIds: [internalPhoto.id],
    occurredAt: inWeek(3),
  });
  await addEntry(sys, p.projectId, { title: '上上周的日志', customerVisible: true, occurredAt: inWeek(-3) });
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('weekly reports', () => {
  let reportId: string;

  it('the weekly job compiles one draft per active project from what the customer may see, once', async () => {
    const idle = { projectId: await siblingProject(sys, p, 'planning') };
    const first = await runJob(tick);
    expect(first.compiled).toBeGreaterThanOrEqual(1);
    // Another instance, or a manual re-run in the same week, finds the reports already there.
    const again = await runJob(new Date(tick.getTime() + 60_000));
    expect(again.compiled).toBe(0);
    expect(again.existing).toBe(first.compiled);

    const res = await reportsOf(p.projectId, p.pm.token);
    expect(res.body.items).toHaveLength(1);
    const report = res.body.items[0];
    reportId = report.id;
    expect(report).toMatchObject({
      status: 'draft',
      weekStart: weekStart.toISOString(),
      progress: 25,
      dailyLogCount: 1,
      sentAt: null,
    });
    expect(report.thisWeek.map((e: { title: string }) => e.title)).toEqual(['浇筑三层楼板']);
    expect(report.nextWeek.map((m: { name: string }) => m.name)).toEqual(['主体封顶']);
    expect(report.openIssues.map((i: { title: string }) => i.title)).toEqual(['外墙渗水']);
    expect(report.photos.map((f: FileRef) => f.id)).toEqual([visiblePhoto.id]);
    expect((await reportsOf(idle.projectId, p.pm.token)).body.items).toHaveLength(0);
  });

  it('keeps drafts from the customer', async () => {
    expect((await reportsOf(p.projectId, p.customer.token)).body.items).toHaveLength(0);
    expect((await sys.api.get(`/api/v1/weekly-reports/${reportId}`, p.customer.token)).status).toBe(404);
  });

  it('is sent by the PM with one tap; the customer sees it in the list, the timeline and the inbox', async () => {
    expect((await sys.api.post(`/api/v1/weekly-reports/${reportId}/send`, {}, p.engineer.token)).status).toBe(
      403,
    );
    const sent = await sys.api.post(`/api/v1/weekly-reports/${reportId}/send`, {}, p.pm.token);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', sentBy: { id: p.pm.id }, autoSent: false });
    const again = await sys.api.post(`/api/v1/weekly-reports/${reportId}/send`, {}, p.pm.token);
    expect(again.body.sentAt).toBe(sent.body.sentAt);

    const list = await reportsOf(p.projectId, p.customer.token);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([reportId]);
    const timeline = await sys.api.get(`/api/v1/projects/${p.projectId}/timeline`, p.customer.token);
    const entries = timeline.body.items.filter((i: { kind: string }) => i.kind === 'weekly_report');
    expect(entries).toHaveLength(1);
    expect(entries[0].refId).toBe(reportId);

    await drain();
    const inbox = await sys.api.get('/api/v1/notifications', p.customer.token);
    const notices = inbox.body.items.filter(
      (n: { eventType: string }) => n.eventType === 'project.weekly_report',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('项目周报');
    expect(notices[0].body).toContain(p.projectName);
    const audit = await sys.server.container.audit.forResource('weekly_report', reportId);
    expect(audit.map((a) => a.action)).toEqual(['weekly_report.sent']);
  });

  it('is sent automatically for a PM who opted in, with a subscribe message where granted', async () => {
    const pm2 = await portalProject(sys);
    const put = await sys.api.request('PUT', '/api/v1/weekly-reports/settings', {
      token: pm2.pm.token,
      body: { autoSend: true },
    });
    expect(put.status).toBe(200);
    expect((await sys.api.get('/api/v1/weekly-reports/settings', pm2.pm.token)).body).toEqual({
      autoSend: true,
    });
    expect((await sys.api.get('/api/v1/weekly-reports/settings', p.pm.token)).body).toEqual({
      autoSend: false,
    });
    const granted = await customerWithGrants(sys, `o_grant_${Date.now()}`, 'TPL_WEEKLY_REPORT', 1);
    const auto = await portalProject(sys, { pm: pm2.pm });
    await sys.server.container.models.projects.updateOne(
      { _id: auto.projectId },
      { $set: { customerId: granted.customerId } },
    );
    await addEntry(sys, auto.projectId, { title: '砌筑二层', customerVisible: true, occurredAt: inWeek(1) });

    const nextWeekTick = new Date(tick.getTime() + 7 * DAY_MS);
    const result = await runJob(nextWeekTick);
    expect(result.sent).toBe(2); // pm2's two active projects
    const reports = await reportsOf(auto.projectId, granted.token);
    expect(reports.body.items).toHaveLength(1);
    expect(reports.body.items[0]).toMatchObject({ status: 'sent', autoSent: true, sentBy: null });
    // The opted-out PM's new report stays a draft.
    const drafts = await reportsOf(p.projectId, p.pm.token);
    expect(drafts.body.items.map((r: { status: string }) => r.status)).toEqual(['draft', 'sent']);

    await drain();
    expect(subscribeMessagesTo(sys, granted.openid)).toHaveLength(1);
    const inbox = await sys.api.get('/api/v1/notifications', granted.token);
    expect(inbox.body.items.some((n: { eventType: string }) => n.eventType === 'project.weekly_report')).toBe(
      true,
    );
  });
});

describe('a weekly-report run repeated after a crash', () => {
  it('sends the draft a dead run wrote but did not send for a PM who opted in', async () => {
    const pm3 = await portalProject(sys);
    await addEntry(sys, pm3.projectId, { title: '安装门窗', customerVisible: true, occurredAt: inWeek(1) });
    const later = new Date(tick.getTime() + 14 * DAY_MS);
    // What a run killed after drafting leaves for an opted-in PM: the week's draft, unsent.
    await runJob(later);
    const put = await sys.api.request('PUT', '/api/v1/weekly-reports/settings', {
      token: pm3.pm.token,
      body: { autoSend: true },
    });
    expect(put.status).toBe(200);
    expect((await reportsOf(pm3.projectId, pm3.pm.token)).body.items[0]).toMatchObject({ status: 'draft' });

    const rerun = await runJob(new Date(later.getTime() + 60_000));
    expect(rerun.sent).toBe(1);
    const items = (await reportsOf(pm3.projectId, pm3.pm.token)).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'sent', autoSent: true, sentBy: null });
    await drain();
    const inbox = await sys.api.get('/api/v1/notifications', pm3.customer.token);
    const told = inbox.body.items.filter(
      (n: { eventType: string }) => n.eventType === 'project.weekly_report',
    );
    expect(told).toHaveLength(1);
    // A third run of the week sends nothing again.
    expect((await runJob(new Date(later.getTime() + 120_000))).sent).toBe(0);
  });
});
