import crypto from 'node:crypto';
import type { StaffRole } from '@gantry/shared';
import { uploadPhoto } from './portal-project';
import type { TestSystem } from './system';

export interface Signed {
  id: string;
  token: string;
}

/** Two approval levels: finance for every contract, an admin from ¥1,000,000 or a 10% discount. */
export const APPROVAL_CONFIG = {
  contracts: {
    approval: [
      { name: '财务审核', minAmount: 0, roles: ['finance'] },
      { name: '总经理审批', minAmount: 100_000_000, minDiscountBp: 1_000, roles: ['admin'] },
    ],
  },
};

export async function signedStaff(sys: TestSystem, role: StaffRole): Promise<Signed> {
  const user = await sys.seed.staff(role);
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}

/**
 * The people around a contract: finance ×2, an admin, the customer's sales owner and another
 * salesperson, the PM of the customer's project with its milestones, the customer's portal account
 * and another customer's.
 */
export async function contractCast(sys: TestSystem) {
  const tag = crypto.randomBytes(3).toString('hex');
  const [admin, finance, finance2, sales, otherSales, pm, otherPm, engineer] = [
    await signedStaff(sys, 'admin'),
    await signedStaff(sys, 'finance'),
    await signedStaff(sys, 'finance'),
    await signedStaff(sys, 'sales'),
    await signedStaff(sys, 'sales'),
    await signedStaff(sys, 'pm'),
    await signedStaff(sys, 'pm'),
    await signedStaff(sys, 'engineer'),
  ];
  const own = await sys.seed.customerWithPortal({
    openid: `o_c_${tag}`,
    customerName: `华景置业${tag}`,
    ownerId: sales.id,
  });
  const other = await sys.seed.customerWithPortal({ openid: `o_x_${tag}`, customerName: `别家${tag}` });
  const project = await sys.api.post(
    '/api/v1/projects',
    {
      name: `滨江苑${tag}`,
      type: 'renovation',
      customerId: own.customer.id,
      address: '杭州市滨江区江南大道 1 号',
      pmId: pm.id,
      engineerIds: [engineer.id],
      plannedStart: '2026-09-01',
      plannedEnd: '2027-06-30',
    },
    admin.token,
  );
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const projectId = project.body.id as string;
  const ms = await sys.api.get(`/api/v1/projects/${projectId}/milestones`, pm.token);
  const milestones = (ms.body.items ?? ms.body) as Array<{ id: string; name: string }>;
  if (milestones.length < 2) throw new Error(`expected template milestones, got ${JSON.stringify(ms.body)}`);
  return {
    admin,
    finance,
    finance2,
    sales,
    otherSales,
    pm,
    otherPm,
    engineer,
    customerId: own.customer.id,
    customerName: own.customer.name,
    customer: { token: await sys.loginWechat(own.openid) },
    otherCustomer: { token: await sys.loginWechat(other.openid), customerId: other.customer.id },
    projectId,
    milestones,
  };
}

export type ContractCast = Awaited<ReturnType<typeof contractCast>>;

/** The engineer starts and submits the milestone; the customer confirms it in the portal. */
export async function confirmMilestone(sys: TestSystem, cast: ContractCast, milestoneId: string) {
  const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
  const started = await post(`/milestones/${milestoneId}/start`, {}, cast.engineer.token);
  if (started.status !== 200) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  const photo = await uploadPhoto(sys, cast.engineer.token, cast.projectId, true);
  const submitted = await post(
    `/milestones/${milestoneId}/submit`,
    { note: '已完工', photoIds: [photo.id] },
    cast.engineer.token,
  );
  if (submitted.status !== 200)
    throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const confirmed = await post(
    `/milestones/${milestoneId}/confirm`,
    { decision: 'confirm' },
    cast.customer.token,
  );
  if (confirmed.status !== 200)
    throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
}

/** A plan: 30% on signing, 40% on the first milestone, the rest (30%) on the second. */
export function standardPlan(cast: ContractCast) {
  return [
    { name: '首付款', percentBp: 3000, trigger: { kind: 'signing' }, dueDays: 7 },
    {
      name: '进度款',
      percentBp: 4000,
      trigger: { kind: 'milestone', milestoneId: cast.milestones[0]!.id },
      dueDays: 15,
    },
    {
      name: '尾款',
      percentBp: 3000,
      trigger: { kind: 'milestone', milestoneId: cast.milestones[1]!.id },
      dueDays: 15,
    },
  ];
}

let seq = 0;
export function contractNumber(): string {
  seq += 1;
  return `HT-${crypto.randomBytes(3).toString('hex')}-${seq}`;
}

/** Drafts (as the sales owner) and pushes a contract through every approval level. */
export async function activeContract(
  sys: TestSystem,
  cast: ContractCast,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; number: string; body: any }> {
  const number = contractNumber();
  const created = await sys.api.post(
    '/api/v1/contracts',
    {
      number,
      customerId: cast.customerId,
      projectId: cast.projectId,
      amount: 10_000_000,
      signedDate: '2026-11-20',
      plan: standardPlan(cast),
      ...fields,
    },
    cast.sales.token,
  );
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  let res = await sys.api.post(`/api/v1/contracts/${id}/submit`, {}, cast.sales.token);
  for (const approver of [cast.finance, cast.admin]) {
    if (res.body.status !== 'pending_approval') break;
    res = await sys.api.post(`/api/v1/contracts/${id}/decision`, { decision: 'approve' }, approver.token);
  }
  if (res.body.status !== 'active') throw new Error(`activate: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, number, body: res.body };
}
