import crypto from 'node:crypto';
import type { StaffRole } from '@gantry/shared';
import { activeContract, APPROVAL_CONFIG, type ContractCast } from './contract-cast';
import { payFor } from './pay';
import { startTestSystem, type TestSystem } from './system';

export { APPROVAL_CONFIG };

export interface Actor {
  id: string;
  token: string;
}

/** Every record one side owns, keyed by the query parameter that names its kind. */
export type SideRecords = Record<string, string[]>;

function must<T = any>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function signed(sys: TestSystem, role: StaffRole): Promise<Actor> {
  const user = await sys.seed.staff(role);
  return { id: user.id, token: await sys.loginStaff(user.username, user.password) };
}

/**
 * Two customers, each with everything that hangs off a customer: a sales owner, a project with
 * its PM and engineer, an opportunity, an active contract with its signing invoice, a payment
 * order, a change request, a complaint, a chat message and a daily log. Side A and side B share
 * no record, so any id of the other side in an actor's list is a record that leaked.
 */
export async function scopeWorld() {
  const sys = await startTestSystem({ overrides: APPROVAL_CONFIG });
  const [admin, finance, service, pmNone] = [
    await signed(sys, 'admin'),
    await signed(sys, 'finance'),
    await signed(sys, 'service'),
    await signed(sys, 'pm'),
  ];
  const a = await side(sys, { admin, finance }, 'A');
  const b = await side(sys, { admin, finance }, 'B');
  return { sys, admin, finance, service, pmNone, a, b };
}

export type ScopeWorld = Awaited<ReturnType<typeof scopeWorld>>;

async function side(sys: TestSystem, approvers: { admin: Actor; finance: Actor }, label: string) {
  const tag = `${label}${crypto.randomBytes(3).toString('hex')}`;
  const [sales, pm, engineer] = [
    await signed(sys, 'sales'),
    await signed(sys, 'pm'),
    await signed(sys, 'engineer'),
  ];
  const { customer } = await sys.seed.customerWithPortal({
    openid: `o_scope_${tag}`,
    customerName: `客户${tag}`,
    ownerId: sales.id,
  });
  const customerToken = await sys.loginWechat(`o_scope_${tag}`);
  const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
  const project = must(
    await post(
      '/projects',
      {
        name: `项目${tag}`,
        type: 'renovation',
        customerId: customer.id,
        address: `杭州市滨江区${tag}号`,
        pmId: pm.id,
        engineerIds: [engineer.id],
        plannedStart: '2026-09-01',
        plannedEnd: '2027-06-30',
      },
      approvers.admin.token,
    ),
    201,
    'project',
  );
  const projectId = project.id as string;
  const ms = must(await sys.api.get(`/api/v1/projects/${projectId}/milestones`, pm.token), 200, 'milestones');
  const milestones = (ms.items ?? ms) as Array<{ id: string; name: string }>;
  const cast = {
    ...approvers,
    sales,
    customerId: customer.id,
    projectId,
    milestones,
  } as unknown as ContractCast;
  const contract = await activeContract(sys, cast);
  const invoices = must(
    await sys.api.get(`/api/v1/invoices?contractId=${contract.id}`, approvers.finance.token),
    200,
    'invoices',
  ).items as Array<{ id: string }>;
  if (invoices.length === 0) throw new Error('the signing installment issued no invoice');
  const invoiceId = invoices[0]!.id;
  const payment = must(
    await payFor(sys, invoiceId, customerToken, `scope-${tag}-0001`),
    200,
    'payment',
  ).payment;
  const opportunity = must(
    await post('/opportunities', { customerId: customer.id, name: `商机${tag}` }, sales.token),
    201,
    'opportunity',
  );
  const change = must(
    await post(
      `/projects/${projectId}/change-requests`,
      { title: `变更${tag}`, description: '加一面隔墙' },
      customerToken,
    ),
    201,
    'change request',
  );
  const complaint = must(
    await post(
      '/complaints',
      { projectId, category: 'quality', description: `墙面开裂${tag}` },
      customerToken,
    ),
    201,
    'complaint',
  );
  must(await post(`/projects/${projectId}/messages`, { text: `你好${tag}` }, customerToken), 201, 'message');
  must(
    await post(
      `/projects/${projectId}/daily-logs`,
      { weather: 'sunny', headcount: 5, workDone: `砌墙${tag}`, customerVisible: true },
      engineer.token,
    ),
    201,
    'daily log',
  );
  const records: SideRecords = {
    customerId: [customer.id],
    projectId: [projectId],
    contractId: [contract.id],
    invoiceId: [invoiceId],
    paymentId: [payment.id],
    opportunityId: [opportunity.id],
    milestoneId: [milestones[0]!.id],
    changeRequestId: [change.id],
    complaintId: [complaint.id],
  };
  return {
    sales,
    pm,
    engineer,
    customer: { id: customer.id, token: customerToken },
    records,
    /** The staff who work on this side's records: the "other" user for an id filter. */
    staffIds: [sales.id, pm.id, engineer.id],
  };
}
