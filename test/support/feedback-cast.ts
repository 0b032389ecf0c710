import crypto from 'node:crypto';
import { Types } from 'mongoose';
import sharp from 'sharp';
import type { FileRef, ProjectStatus, StaffRole } from '@gantry/shared';
import { customerWithGrants } from './notify';
import type { TestSystem } from './system';

export interface Signed {
  id: string;
  token: string;
}

const DAY_MS = 86_400_000;

/**
 * The people around a complaint or repair: the project's PM (reporting to a manager), its
 * engineer, customer service, an admin, finance, an engineer and a PM not on the project, the
 * customer (holding `grants` subscribe grants for `templateId`) and another customer.
 */
export async function feedbackCast(sys: TestSystem, opts: { templateId?: string; grants?: number } = {}) {
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
  const own = await customerWithGrants(sys, `o_fb_${tag}`, opts.templateId ?? 'TPL_NONE', opts.grants ?? 0);
  const other = await sys.seed.customerWithPortal({
    openid: `o_fb_other_${tag}`,
    customerName: `别家${tag}`,
  });
  return {
    manager,
    pm,
    engineer: await staff('engineer', '陈刚'),
    service: await staff('service', '客服小李'),
    admin: await staff('admin', '管理员'),
    finance: await staff('finance', '财务王芳'),
    outsider: await staff('engineer', '别的工程师'),
    otherPm: await staff('pm', '别的项目经理'),
    customer: { id: own.customerId, token: own.token, openid: own.openid },
    otherCustomer: { token: await sys.loginWechat(other.openid) },
  };
}
export type FeedbackCast = Awaited<ReturnType<typeof feedbackCast>>;

/** A project of the cast's customer, run by its PM with its engineer. */
export async function castProject(
  sys: TestSystem,
  cast: FeedbackCast,
  fields: {
    status?: ProjectStatus;
    actualEnd?: Date | null;
    warrantyMonths?: number;
    pmId?: string | null;
  } = {},
): Promise<{ id: string; name: string }> {
  const tag = crypto.randomBytes(3).toString('hex');
  const pmId = fields.pmId === undefined ? cast.pm.id : fields.pmId;
  const project = await sys.server.container.models.projects.create({
    code: `FB-${tag}`,
    name: `滨江苑${tag}`,
    customerId: new Types.ObjectId(cast.customer.id),
    address: '杭州市滨江区江南大道 1 号',
    pmId: pmId ? new Types.ObjectId(pmId) : null,
    engineerIds: [new Types.ObjectId(cast.engineer.id)],
    status: fields.status ?? 'active',
    plannedStart: new Date(Date.now() - 400 * DAY_MS),
    plannedEnd: new Date(Date.now() - 100 * DAY_MS),
    actualEnd: fields.actualEnd ?? null,
  });
  if (fields.warrantyMonths !== undefined)
    // The project model has no warranty field yet (contracts will own it); the repair module reads it raw.
    await sys.server.container.models.projects.collection.updateOne(
      { _id: project._id },
      { $set: { warrantyMonths: fields.warrantyMonths } },
    );
  return { id: String(project._id), name: project.name };
}

/** A real upload through POST /api/v1/files (a small PNG made here). */
export async function uploadPhoto(sys: TestSystem, token: string): Promise<FileRef> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#1f4e8c' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '现场.png');
  const res = await fetch(`${sys.baseUrl}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as FileRef;
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

/** Titles of an account's inbox, newest first. */
export async function inboxTitles(sys: TestSystem, token: string): Promise<string[]> {
  const res = await sys.api.get('/api/v1/notifications?limit=100', token);
  return res.body.items.map((i: { title: string }) => i.title);
}
