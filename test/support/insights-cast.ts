import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { calendarDateOf, type StaffRole } from '@gantry/shared';
import type { TestSystem } from './system';

export interface Signed {
  id: string;
  token: string;
}

export const DAY_MS = 86_400_000;

/** Today (Asia/Shanghai) shifted by `days`, as YYYY-MM-DD. */
export const day = (days: number) => calendarDateOf(new Date(Date.now() + days * DAY_MS));

export async function staffMember(sys: TestSystem, role: StaffRole, name: string): Promise<Signed> {
  const user = await sys.seed.staff(role, { name });
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}

/** Reporting lines are set by an admin in the directory; there is no API field for them yet. */
export async function reportsTo(sys: TestSystem, staffId: string, managerId: string) {
  await sys.server.container.models.staffUsers.updateOne(
    { _id: new Types.ObjectId(staffId) },
    { $set: { managerId: new Types.ObjectId(managerId) } },
  );
}

/** A customer owned by `ownerId` with a bound WeChat portal account, signed in. */
export async function portalCustomer(sys: TestSystem, ownerId: string, name: string) {
  const openid = `o_ins_${crypto.randomBytes(4).toString('hex')}`;
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: name, ownerId });
  return { id: customer.id, name, token: await sys.loginWechat(openid), openid };
}

function must<T = any>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A project through the API (admin), started; `complete` moves it to completed now. */
export async function project(
  sys: TestSystem,
  admin: string,
  f: { customerId: string; type: string; plannedEnd: string; pmId: string; complete?: boolean },
) {
  const body = must<any>(
    await sys.api.post(
      '/api/v1/projects',
      {
        name: `项目${crypto.randomBytes(2).toString('hex')}`,
        type: f.type,
        customerId: f.customerId,
        address: '杭州市滨江区江南大道 1 号',
        pmId: f.pmId,
        plannedStart: day(-200),
        plannedEnd: f.plannedEnd,
      },
      admin,
    ),
    201,
    'project',
  );
  const patch = (status: string) =>
    sys.api.request('PATCH', `/api/v1/projects/${body.id}`, { token: admin, body: { status } });
  must(await patch('active'), 200, 'start project');
  if (f.complete) must(await patch('completed'), 200, 'complete project');
  return body.id as string;
}

/**
 * A contract drafted by the customer's owner and approved by finance: one installment of the
 * whole amount due `dueDays` after signing, so its invoice is issued at activation.
 */
export async function signedContract(
  sys: TestSystem,
  who: { owner: string; finance: string },
  f: { customerId: string; amount: number; signedDate: string; dueDays: number; projectId?: string | null },
) {
  const created = must<any>(
    await sys.api.post(
      '/api/v1/contracts',
      {
        number: `HT-INS-${crypto.randomBytes(4).toString('hex')}`,
        customerId: f.customerId,
        projectId: f.projectId ?? null,
        amount: f.amount,
        signedDate: f.signedDate,
        plan: [{ name: '全款', percentBp: 10_000, trigger: { kind: 'signing' }, dueDays: f.dueDays }],
      },
      who.owner,
    ),
    201,
    'contract',
  );
  must(await sys.api.post(`/api/v1/contracts/${created.id}/submit`, {}, who.owner), 200, 'submit');
  const decided = must<any>(
    await sys.api.post(`/api/v1/contracts/${created.id}/decision`, { decision: 'approve' }, who.finance),
    200,
    'approve',
  );
  if (decided.status !== 'active') throw new Error(`contract not active: ${JSON.stringify(decided)}`);
  return created.id as string;
}

/** Staff log a complaint the customer raised `hoursAgo` hours ago; `answer` acknowledges it now. */
export async function complaint(
  sys: TestSystem,
  staff: string,
  f: { projectId: string; hoursAgo: number; answer: boolean },
) {
  const receivedAt = new Date(Date.now() - f.hoursAgo * 3_600_000).toISOString();
  const c = must<any>(
    await sys.api.post(
      '/api/v1/complaints',
      { projectId: f.projectId, category: 'quality', description: '墙面开裂', receivedAt },
      staff,
    ),
    201,
    'complaint',
  );
  if (f.answer) must(await sys.api.post(`/api/v1/complaints/${c.id}/acknowledge`, {}, staff), 200, 'ack');
  return c.id as string;
}

export async function rateProject(
  sys: TestSystem,
  customerToken: string,
  projectId: string,
  overall: number,
) {
  const stars = { overall, quality: overall, schedule: overall, communication: overall, tidiness: overall };
  return must<any>(
    await sys.api.post(`/api/v1/projects/${projectId}/rating`, { ...stars, comment: '' }, customerToken),
    200,
    'rating',
  );
}

export { must };
