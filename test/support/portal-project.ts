import crypto from 'node:crypto';
import sharp from 'sharp';
import { Types } from 'mongoose';
import type {
  FileRef,
  MilestoneStatus,
  ProjectStatus,
  SiteIssueSeverity,
  SiteIssueStatus,
} from '@gantry/shared';
import { milestoneModels } from '../../server/src/modules/projects/milestone.model';
import { siteIssueModel } from '../../server/src/modules/site/site-issue.model';
import type { TestSystem } from './system';

const DAY_MS = 86_400_000;

export interface Signed {
  id: string;
  token: string;
}

/**
 * A project under construction with its PM and engineer, the customer's portal account, and a
 * stranger of each kind (another customer, an engineer not on it) — the cast of the portal suites.
 */
export async function portalProject(sys: TestSystem, opts: { pm?: Signed } = {}) {
  const tag = crypto.randomBytes(3).toString('hex');
  const staff = async (role: 'pm' | 'engineer' | 'admin') => {
    const user = await sys.seed.staff(role);
    return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
  };
  const pm = opts.pm ?? (await staff('pm'));
  const [engineer, outsider] = [await staff('engineer'), await staff('engineer')];
  const own = await sys.seed.customerWithPortal({ openid: `o_own_${tag}`, customerName: `华景置业${tag}` });
  const other = await sys.seed.customerWithPortal({ openid: `o_other_${tag}`, customerName: `别家${tag}` });
  const project = await sys.server.container.models.projects.create({
    code: `P-${tag}`,
    name: `滨江苑${tag}`,
    customerId: new Types.ObjectId(own.customer.id),
    address: '杭州市滨江区江南大道 1 号',
    pmId: new Types.ObjectId(pm.id),
    engineerIds: [new Types.ObjectId(engineer.id)],
    status: 'active',
    plannedStart: new Date('2026-09-01T00:00:00Z'),
    plannedEnd: new Date('2027-06-30T00:00:00Z'),
  });
  return {
    projectId: String(project._id),
    projectName: project.name,
    customerId: own.customer.id,
    pm,
    engineer,
    outsider,
    customer: { id: own.customer.id, openid: own.openid, token: await sys.loginWechat(own.openid) },
    otherCustomer: { token: await sys.loginWechat(other.openid) },
  };
}

export type PortalProject = Awaited<ReturnType<typeof portalProject>>;

/** Another project of the same customer, PM and engineer (no new accounts: sign-ins are slow). */
export async function siblingProject(sys: TestSystem, p: PortalProject, status: ProjectStatus = 'active') {
  const tag = crypto.randomBytes(3).toString('hex');
  const project = await sys.server.container.models.projects.create({
    code: `P-${tag}`,
    name: `滨江苑${tag}`,
    customerId: new Types.ObjectId(p.customerId),
    address: '杭州市滨江区江南大道 2 号',
    pmId: new Types.ObjectId(p.pm.id),
    engineerIds: [new Types.ObjectId(p.engineer.id)],
    status,
    plannedStart: new Date('2026-09-01T00:00:00Z'),
    plannedEnd: new Date('2027-06-30T00:00:00Z'),
  });
  return String(project._id);
}

/** A real upload through POST /api/v1/files (a small PNG made here). */
export async function uploadPhoto(
  sys: TestSystem,
  token: string,
  projectId: string,
  customerVisible: boolean,
): Promise<FileRef> {
  const png = await sharp({
    create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 90, b: 30 } },
  })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('projectId', projectId);
  form.append('customerVisible', String(customerVisible));
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '现场.png');
  const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as FileRef;
}

/**
 * Shows files to the project's customer the way every module does: a customer-visible record (here
 * a daily log's id, as `addEntry` makes for its entries) references them. An upload alone does not.
 */
export async function showThroughRecord(
  sys: TestSystem,
  token: string,
  projectId: string,
  fileIds: string[],
) {
  const actor = await sys.server.container.sessions.resolve(token);
  if (!actor) throw new Error('no session');
  await sys.server.container.services.files.attach(actor, fileIds, {
    projectId,
    customerVisible: true,
    record: { kind: 'daily_log', id: new Types.ObjectId() },
  });
}

/** Milestones straight into the projects module's model (seq in the given order). */
export async function addMilestones(
  sys: TestSystem,
  projectId: string,
  rows: Array<{
    name: string;
    weight: number;
    status: MilestoneStatus;
    plannedEnd: string;
    actualEnd?: string;
  }>,
) {
  const { milestones } = milestoneModels(sys.server.container.conn);
  return milestones.insertMany(
    rows.map((r, i) => ({
      projectId: new Types.ObjectId(projectId),
      seq: i + 1,
      name: r.name,
      weight: r.weight,
      status: r.status,
      plannedStart: new Date(Date.parse(`${r.plannedEnd}T00:00:00Z`) - 30 * DAY_MS),
      plannedEnd: new Date(`${r.plannedEnd}T00:00:00Z`),
      actualEnd: r.actualEnd ? new Date(r.actualEnd) : null,
    })),
  );
}

export async function addIssue(
  sys: TestSystem,
  projectId: string,
  fields: { title: string; status: SiteIssueStatus; customerVisible: boolean; severity?: SiteIssueSeverity },
) {
  return siteIssueModel(sys.server.container.conn).create({
    projectId: new Types.ObjectId(projectId),
    title: fields.title,
    severity: fields.severity ?? 'medium',
    status: fields.status,
    reporter: { id: 'x', name: '陈工' },
    customerVisible: fields.customerVisible,
  });
}

/** A timeline entry as the modules record them (TimelineService.record). */
export async function addEntry(
  sys: TestSystem,
  projectId: string,
  fields: { kind?: string; title: string; customerVisible: boolean; photoIds?: string[]; occurredAt?: Date },
) {
  const refId = new Types.ObjectId();
  await sys.server.container.timeline.record({
    key: `test:${String(refId)}`,
    projectId,
    kind: fields.kind ?? 'daily_log',
    refId,
    occurredAt: fields.occurredAt ?? new Date(),
    customerVisible: fields.customerVisible,
    title: fields.title,
    summary: `${fields.title}的说明`,
    photoIds: fields.photoIds ?? [],
  });
}
