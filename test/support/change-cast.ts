import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type { MilestoneStatus, ProjectStatus, StaffRole } from '@gantry/shared';
import { milestoneModels } from '../../server/src/modules/projects/milestone.model';
import type { TestSystem } from './system';

export interface Signed {
  id: string;
  token: string;
}

/**
 * The people around change requests and ratings: the project's PM (reporting to a manager), its
 * engineer, an admin, finance, customer service, a PM not on the project, the customer (two portal
 * accounts) and another customer.
 */
export async function changeCast(sys: TestSystem) {
  const staff = async (role: StaffRole, name: string): Promise<Signed> => {
    const user = await sys.seed.staff(role, { name });
    return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
  };
  const manager = await staff('pm', '工程部经理');
  const pm = await staff('pm', '张伟');
  await sys.server.container.models.staffUsers.updateOne(
    { _id: new Types.ObjectId(pm.id) },
    { $set: { managerId: new Types.ObjectId(manager.id) } },
  );
  const tag = crypto.randomBytes(3).toString('hex');
  const own = await sys.seed.customerWithPortal({ openid: `o_cr_${tag}`, customerName: `华景置业${tag}` });
  const second = `o_cr2_${tag}`;
  await sys.server.container.models.portalAccounts.create({
    openid: second,
    customerId: new Types.ObjectId(own.customer.id),
    boundAt: new Date(),
    lastLoginAt: new Date(),
  });
  const other = await sys.seed.customerWithPortal({
    openid: `o_cr_other_${tag}`,
    customerName: `别家${tag}`,
  });
  return {
    manager,
    pm,
    engineer: await staff('engineer', '陈刚'),
    admin: await staff('admin', '管理员'),
    finance: await staff('finance', '财务王芳'),
    service: await staff('service', '客服小李'),
    otherPm: await staff('pm', '别的项目经理'),
    customer: {
      id: own.customer.id,
      token: await sys.loginWechat(own.openid),
      secondToken: await sys.loginWechat(second),
    },
    otherCustomer: { token: await sys.loginWechat(other.openid) },
  };
}
export type ChangeCast = Awaited<ReturnType<typeof changeCast>>;

export interface CastProject {
  id: string;
  name: string;
  /** Milestone ids in sequence. */
  milestoneIds: string[];
}

/**
 * A project of the cast's customer (planned 2027-01-01 … 2027-12-31) with four milestones of three
 * months each; `statuses` sets theirs (default: the first confirmed, the others pending).
 */
export async function castProject(
  sys: TestSystem,
  cast: ChangeCast,
  opts: { status?: ProjectStatus; statuses?: MilestoneStatus[] } = {},
): Promise<CastProject> {
  const tag = crypto.randomBytes(3).toString('hex');
  const project = await sys.server.container.models.projects.create({
    code: `CR-${tag}`,
    name: `滨江苑${tag}`,
    customerId: new Types.ObjectId(cast.customer.id),
    address: '杭州市滨江区江南大道 1 号',
    pmId: new Types.ObjectId(cast.pm.id),
    engineerIds: [new Types.ObjectId(cast.engineer.id)],
    status: opts.status ?? 'active',
    plannedStart: new Date('2027-01-01T00:00:00Z'),
    plannedEnd: new Date('2027-12-31T00:00:00Z'),
  });
  const statuses = opts.statuses ?? ['confirmed', 'pending', 'pending', 'pending'];
  const starts = ['2027-01-01', '2027-04-01', '2027-07-01', '2027-10-01'];
  const ends = ['2027-03-31', '2027-06-30', '2027-09-30', '2027-12-31'];
  const { milestones } = milestoneModels(sys.server.container.conn);
  const docs = await milestones.insertMany(
    statuses.map((status, seq) => ({
      projectId: project._id,
      seq,
      name: ['基础完工', '主体封顶', '机电安装', '竣工验收'][seq] ?? `节点${seq}`,
      weight: 1,
      status,
      plannedStart: new Date(`${starts[seq]}T00:00:00Z`),
      plannedEnd: new Date(`${ends[seq]}T00:00:00Z`),
      actualEnd: status === 'confirmed' ? new Date() : null,
      round: status === 'confirmed' ? 1 : 0,
      decidedRound: status === 'confirmed' ? 1 : 0,
    })),
  );
  return { id: String(project._id), name: project.name, milestoneIds: docs.map((d) => String(d._id)) };
}

/** Planned dates of milestones (and of the project) as YYYY-MM-DD, keyed by id. */
export async function plannedDates(sys: TestSystem, project: CastProject) {
  const { milestones } = milestoneModels(sys.server.container.conn);
  const docs = await milestones.find({ projectId: new Types.ObjectId(project.id) }).lean();
  const p = await sys.server.container.models.projects.findById(project.id).lean();
  const d = (x: Date) => x.toISOString().slice(0, 10);
  return {
    milestones: new Map(docs.map((m) => [String(m._id), { start: d(m.plannedStart), end: d(m.plannedEnd) }])),
    projectEnd: d(p!.plannedEnd),
  };
}

/** Runs a scheduled job through the admin API and waits for its run to end. */
export async function runJob(sys: TestSystem, adminToken: string, job: string) {
  const started = await sys.api.post(`/api/v1/admin/jobs/${job}/run`, undefined, adminToken);
  if (started.status !== 202)
    throw new Error(`job start failed: ${started.status} ${JSON.stringify(started.body)}`);
  for (let i = 0; i < 100; i += 1) {
    const res = await sys.api.get(`/api/v1/admin/jobs/${job}/runs`, adminToken);
    const run = res.body.items.find((r: { id: string }) => r.id === started.body.id);
    if (run && run.outcome !== 'running') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job run did not end');
}

/** Titles of an account's inbox, newest first (after the outbox has delivered). */
export async function inboxTitles(sys: TestSystem, token: string): Promise<string[]> {
  await sys.server.container.outboxWorker.drain();
  const res = await sys.api.get('/api/v1/notifications?limit=100', token);
  return res.body.items.map((i: { title: string }) => i.title);
}
