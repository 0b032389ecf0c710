import { Types } from 'mongoose';
import type { ContractDetail } from '@gantry/shared';
import { startTestSystem, type TestSystem } from '../support/system';
import {
  APPROVAL_CONFIG,
  activeContract,
  confirmMilestone,
  contractCast,
  contractNumber,
  standardPlan,
  type ContractCast,
} from '../support/contract-cast';

let sys: TestSystem;
let cast: ContractCast;

const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);
const patch = (path: string, body: unknown, token: string) =>
  sys.api.request('PATCH', `/api/v1${path}`, { body, token });
const audits = (id: string) =>
  sys.server.container.audit.model.find({ resource: 'contract', resourceId: id }).sort({ at: 1 }).lean();
const invoicesOf = (contractId: string) =>
  sys.server.container.models.invoices.find({ contractId: new Types.ObjectId(contractId) }).lean();

/** The contract-amendment effect as the changes module runs it (again after a crash, or from its resume job). */
function runAmendment(changeRequestId: string, costDelta: number) {
  const effects = sys.server.container.changeApprovalEffects;
  const step = effects.steps().find((s: string) => s.includes('contract-amendment'))!;
  return effects.forStep(step)!({
    changeRequestId,
    projectId: cast.projectId,
    customerId: cast.customerId,
    title: '变更',
    quoteVersion: 1,
    costDelta,
    scheduleDeltaDays: 0,
    approvedAt: new Date(),
    approvedBy: null,
    totalBefore: null,
    totalAfter: null,
    completionBefore: '2027-06-30',
    completionAfter: '2027-06-30',
  });
}

async function draft(fields: Record<string, unknown> = {}, token = cast.sales.token) {
  const res = await post(
    '/contracts',
    {
      number: contractNumber(),
      customerId: cast.customerId,
      projectId: cast.projectId,
      amount: 10_000_000,
      signedDate: '2026-11-20',
      plan: standardPlan(cast),
      ...fields,
    },
    token,
  );
  expect(res.status).toBe(201);
  return res.body as ContractDetail;
}

beforeAll(async () => {
  sys = await startTestSystem({ overrides: APPROVAL_CONFIG });
  cast = await contractCast(sys);
}, 60_000);

afterAll(async () => {
  await sys?.close();
});

describe('payment plan', () => {
  it('percentages round down to the fen and the last percentage installment takes the remainder', async () => {
    const c = await draft({
      amount: 100_001,
      plan: [
        { name: '一期', percentBp: 3333, trigger: { kind: 'signing' } },
        { name: '二期', percentBp: 3333, trigger: { kind: 'date', date: '2027-01-15' } },
        { name: '三期', percentBp: 3334, trigger: { kind: 'date', date: '2027-03-15' } },
      ],
    });
    // 100001 × 33.33% = 33330.33 → 33330 (twice); the last: 100001 − 66660 = 33341
    expect(c.plan.map((i) => i.amount)).toEqual([33_330, 33_330, 33_341]);
    expect(c.plan.map((i) => i.seq)).toEqual([1, 2, 3]);
    expect(c.plan[1]!.trigger).toMatchObject({ kind: 'date', date: '2027-01-15' });
  });

  it('fixed amounts and percentages mix; the plan must add up to the contract amount', async () => {
    const mixed = await draft({
      amount: 1_000_000,
      plan: [
        { name: '定金', amount: 100_000, trigger: { kind: 'signing' } },
        { name: '余款', percentBp: 9000, trigger: { kind: 'date', date: '2027-01-15' } },
      ],
    });
    expect(mixed.plan.map((i) => i.amount)).toEqual([100_000, 900_000]);
    const bad = await post(
      '/contracts',
      {
        number: contractNumber(),
        customerId: cast.customerId,
        projectId: cast.projectId,
        amount: 1_000_000,
        signedDate: '2026-11-20',
        plan: [
          { name: '一期', percentBp: 5000, trigger: { kind: 'signing' } },
          { name: '二期', percentBp: 4000, trigger: { kind: 'signing' } },
        ],
      },
      cast.sales.token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.plan');
  });

  it('refuses a milestone of another project, fractional fen and a duplicate number', async () => {
    const foreign = new Types.ObjectId().toHexString();
    const res = await post(
      '/contracts',
      {
        number: contractNumber(),
        customerId: cast.customerId,
        projectId: cast.projectId,
        amount: 1_000,
        signedDate: '2026-11-20',
        plan: [{ name: '全款', percentBp: 10000, trigger: { kind: 'milestone', milestoneId: foreign } }],
      },
      cast.sales.token,
    );
    expect(res.status).toBe(400);
    const fractional = await post(
      '/contracts',
      {
        number: contractNumber(),
        customerId: cast.customerId,
        amount: 1000.5,
        signedDate: '2026-11-20',
        plan: [{ name: '全款', percentBp: 10000, trigger: { kind: 'signing' } }],
      },
      cast.sales.token,
    );
    expect(fractional.status).toBe(400);
    const first = await draft();
    const dup = await post(
      '/contracts',
      {
        number: first.number,
        customerId: cast.customerId,
        amount: 1,
        signedDate: '2026-11-20',
        plan: [{ name: 'a', amount: 1, trigger: { kind: 'signing' } }],
      },
      cast.sales.token,
    );
    expect(dup.status).toBe(409);
  });
});

describe('approval flow', () => {
  it('a small contract needs finance only; activation signs the opportunity and issues the signing invoice', async () => {
    const opp = await post(
      '/opportunities',
      { customerId: cast.customerId, name: '滨江苑装修', expectedAmount: 10_000_000 },
      cast.sales.token,
    );
    expect(opp.status).toBe(201);
    const c = await draft({ opportunityId: opp.body.id });
    const submitted = await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    expect(submitted.body.status).toBe('pending_approval');
    expect(submitted.body.approval.steps.map((s: { name: string }) => s.name)).toEqual(['财务审核']);
    expect(await invoicesOf(c.id)).toHaveLength(0);
    // the admin is not a finance approver in this config; the sales owner reads it but approves nothing
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.admin.token)).status,
    ).toBe(403);
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.sales.token)).status,
    ).toBe(403);
    const approved = await post(
      `/contracts/${c.id}/decision`,
      { decision: 'approve', comment: '同意' },
      cast.finance.token,
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'active' });
    expect(approved.body.approval.steps[0]).toMatchObject({
      decision: 'approve',
      comment: '同意',
      by: { id: cast.finance.id },
    });
    // retrying the same decision answers the same contract, nothing new
    const again = await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance.token);
    expect(again.body.status).toBe('active');
    const invoices = await invoicesOf(c.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      amount: 3_000_000,
      status: 'issued',
      reason: { kind: 'signing', installmentName: '首付款' },
    });
    const o = await get(`/opportunities/${opp.body.id}`, cast.sales.token);
    expect(o.body.stage).toBe('signed');
    const actions = (await audits(c.id)).map((a) => a.action);
    expect(actions).toEqual([
      'contract.created',
      'contract.submitted',
      'contract.approved_level',
      'contract.activated',
    ]);
  });

  it('from ¥1,000,000 two levels decide in order: finance, then an admin', async () => {
    const c = await draft({ amount: 200_000_000 });
    const submitted = await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    expect(
      submitted.body.approval.steps.map((s: { name: string; reason: string }) => [s.name, s.reason]),
    ).toEqual([
      ['财务审核', '所有合同'],
      ['总经理审批', '金额 ≥ 1,000,000 元'],
    ]);
    // the admin's level is not up yet
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.admin.token)).status,
    ).toBe(403);
    const first = await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance.token);
    expect(first.body.status).toBe('pending_approval');
    expect(await invoicesOf(c.id)).toHaveLength(0);
    // a second finance user cannot decide the admin's level either
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance2.token)).status,
    ).toBe(403);
    const second = await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.admin.token);
    expect(second.body.status).toBe('active');
    expect(second.body.approval.steps.map((s: { decision: string }) => s.decision)).toEqual([
      'approve',
      'approve',
    ]);
    expect(await invoicesOf(c.id)).toHaveLength(1);
  });

  it("a discount of 10% or more vs the opportunity's latest quote needs the admin level too", async () => {
    const opp = await post(
      '/opportunities',
      { customerId: cast.customerId, name: '二期', expectedAmount: 1 },
      cast.sales.token,
    );
    await post(`/opportunities/${opp.body.id}/quotes`, { amount: 1_000_000, note: '报价' }, cast.sales.token);
    const c = await draft({
      amount: 880_000,
      opportunityId: opp.body.id,
      plan: [{ name: '全款', percentBp: 10000, trigger: { kind: 'signing' } }],
    });
    expect(c.discountBp).toBe(1200);
    const submitted = await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    expect(submitted.body.approval.steps.map((s: { reason: string }) => s.reason)).toEqual([
      '所有合同',
      '折扣 ≥ 10%',
    ]);
  });

  it('reject with a comment; the contract can be edited and resubmitted as a new round', async () => {
    const c = await draft();
    await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    // a pending contract is not editable
    expect((await patch(`/contracts/${c.id}`, { terms: '改' }, cast.sales.token)).status).toBe(409);
    const rejected = await post(
      `/contracts/${c.id}/decision`,
      { decision: 'reject', comment: '付款比例不合理' },
      cast.finance.token,
    );
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    expect(rejected.body.approval.steps[0]).toMatchObject({ decision: 'reject', comment: '付款比例不合理' });
    const told = await sys.server.container.models.notices
      .find({ eventType: 'contract.rejected', recipientId: cast.sales.id })
      .lean();
    expect(told.length).toBeGreaterThan(0);
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance2.token)).status,
    ).toBe(409);
    const edited = await patch(`/contracts/${c.id}`, { amount: 12_000_000 }, cast.sales.token);
    expect(edited.body).toMatchObject({ status: 'draft', amount: 12_000_000 });
    expect(edited.body.plan.map((i: { amount: number }) => i.amount)).toEqual([
      3_600_000, 4_800_000, 3_600_000,
    ]);
    const again = await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    expect(again.body.approval).toMatchObject({ round: 2, steps: [{ decision: null }] });
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance.token)).body.status,
    ).toBe('active');
    const actions = (await audits(c.id)).map((a) => a.action);
    expect(actions).toEqual([
      'contract.created',
      'contract.submitted',
      'contract.rejected',
      'contract.updated',
      'contract.submitted',
      'contract.approved_level',
      'contract.activated',
    ]);
  });

  it('the submitter never approves their own contract', async () => {
    const c = await draft({}, cast.finance.token);
    await post(`/contracts/${c.id}/submit`, {}, cast.finance.token);
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance.token)).status,
    ).toBe(403);
    expect(
      (await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance2.token)).body.status,
    ).toBe('active');
  });

  it('10 concurrent approvals of one level make one decision', async () => {
    const c = await draft();
    await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(
          `/contracts/${c.id}/decision`,
          { decision: 'approve' },
          (i % 2 ? cast.finance : cast.finance2).token,
        ),
      ),
    );
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const decisions = await sys.server.container.models.contractApprovals
      .find({ contractId: new Types.ObjectId(c.id) })
      .lean();
    expect(decisions).toHaveLength(1);
    expect(await invoicesOf(c.id)).toHaveLength(1);
  });
});

describe('customer score', () => {
  it('annual contract value counts the active contract, not also the opportunity it signed', async () => {
    const c = await sys.seed.customer({ name: '评分客户', ownerId: cast.sales.id });
    const opp = await post(
      '/opportunities',
      { customerId: c.id, name: '厂房', expectedAmount: 5_000_000 },
      cast.sales.token,
    );
    const draftOf = await post(
      '/contracts',
      {
        number: contractNumber(),
        customerId: c.id,
        opportunityId: opp.body.id,
        amount: 4_000_000,
        signedDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
        plan: [{ name: '全款', percentBp: 10000, trigger: { kind: 'signing' } }],
      },
      cast.sales.token,
    );
    expect(draftOf.status).toBe(201);
    const annual = async () => {
      const s = await get(`/customers/${c.id}/score`, cast.sales.token);
      return s.body.facts.annualContractValue ?? 0;
    };
    expect(await annual()).toBe(0);
    await post(`/contracts/${draftOf.body.id}/submit`, {}, cast.sales.token);
    await post(`/contracts/${draftOf.body.id}/decision`, { decision: 'approve' }, cast.finance.token);
    expect(await annual()).toBe(4_000_000);
  });
});

describe('only active contracts invoice', () => {
  it('a milestone confirmed before approval is invoiced at activation, due from then', async () => {
    const c = await draft({
      amount: 500_000,
      plan: [
        {
          name: '节点款',
          percentBp: 10000,
          trigger: { kind: 'milestone', milestoneId: cast.milestones[2]!.id },
          dueDays: 10,
        },
      ],
    });
    await confirmMilestone(sys, cast, cast.milestones[2]!.id);
    expect(await invoicesOf(c.id)).toHaveLength(0);
    await post(`/contracts/${c.id}/submit`, {}, cast.sales.token);
    expect(await invoicesOf(c.id)).toHaveLength(0);
    await post(`/contracts/${c.id}/decision`, { decision: 'approve' }, cast.finance.token);
    const [inv] = await invoicesOf(c.id);
    expect(inv).toMatchObject({
      amount: 500_000,
      reason: { kind: 'milestone', milestoneName: cast.milestones[2]!.name },
    });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(inv!.dueDate.getTime() - Date.parse(`${today}T00:00:00Z`)).toBe(10 * 86_400_000);
  });
});

describe('access', () => {
  it('customers see their own active contracts only; others 404; PM of the project and the sales owner read', async () => {
    const pending = await draft();
    const active = await activeContract(sys, cast);
    const list = await get('/contracts', cast.customer.token);
    expect(list.status).toBe(200);
    expect(list.body.items.every((c: { status: string }) => c.status === 'active')).toBe(true);
    expect(list.body.items.some((c: { id: string }) => c.id === active.id)).toBe(true);
    expect((await get(`/contracts/${pending.id}`, cast.customer.token)).status).toBe(404);
    const seen = await get(`/contracts/${active.id}`, cast.customer.token);
    expect(seen.status).toBe(200);
    expect(seen.body.approval.steps).toEqual([]);
    expect(seen.body.plan).toHaveLength(3);
    expect((await get(`/contracts/${active.id}`, cast.otherCustomer.token)).status).toBe(404);
    expect((await get('/contracts', cast.otherCustomer.token)).body.items).toEqual([]);
    expect((await get(`/contracts/${active.id}`, cast.pm.token)).status).toBe(200);
    expect((await get(`/contracts/${active.id}`, cast.otherPm.token)).status).toBe(404);
    expect((await get(`/contracts/${active.id}`, cast.sales.token)).status).toBe(200);
    expect((await get(`/contracts/${active.id}`, cast.otherSales.token)).status).toBe(404);
    expect((await get(`/contracts/${active.id}`, cast.engineer.token)).status).toBe(404);
    // customers and PMs draft nothing
    expect((await post('/contracts', {}, cast.customer.token)).status).toBe(403);
    expect((await post('/contracts', {}, cast.pm.token)).status).toBe(403);
    const page = await get(`/contracts?limit=1&customerId=${cast.customerId}`, cast.finance.token);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('amendments from approved change requests', () => {
  it('the cost delta goes to the last installment once, with history; the change request shows the real total', async () => {
    const c = await activeContract(sys, cast, { amount: 10_000_000, amendmentInstallment: 'last' });
    const cr = await post(
      `/projects/${cast.projectId}/change-requests`,
      { title: '加装地暖', description: '客厅加装地暖' },
      cast.customer.token,
    );
    expect(cr.status).toBe(201);
    const id = cr.body.id as string;
    await post(`/change-requests/${id}/acknowledge`, {}, cast.pm.token);
    const quoted = await post(
      `/change-requests/${id}/quote`,
      { costDelta: 250_000, scheduleDeltaDays: 3, validUntil: '2099-01-01' },
      cast.pm.token,
    );
    expect(quoted.status).toBe(200);
    const view = await get(`/change-requests/${id}`, cast.customer.token);
    const totals = await sys.server.container.models.contracts
      .find({ projectId: new Types.ObjectId(cast.projectId), status: 'active' })
      .lean();
    const activeTotal = totals.reduce((s, t) => s + t.amount, 0);
    expect(JSON.stringify(view.body)).toContain(`"currentTotal":${activeTotal}`);
    const decided = await post(
      `/change-requests/${id}/decision`,
      { decision: 'approve' },
      cast.customer.token,
    );
    expect(decided.status).toBe(200);
    // the approval effect runs again (a retry or the resume job): nothing is applied twice
    await runAmendment(id, 250_000);
    const detail = await get(`/contracts/${c.id}`, cast.finance.token);
    expect(detail.body.amount).toBe(10_250_000);
    expect(detail.body.originalAmount).toBe(10_000_000);
    expect(detail.body.plan.map((i: { amount: number }) => i.amount)).toEqual([
      3_000_000, 4_000_000, 3_250_000,
    ]);
    const history = await get(`/contracts/${c.id}/amendments`, cast.customer.token);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      changeRequestId: id,
      delta: 250_000,
      amountBefore: 10_000_000,
      amountAfter: 10_250_000,
      installmentSeq: 3,
      installmentBefore: 3_000_000,
      installmentAfter: 3_250_000,
    });
  });

  it('an amendment recorded but not applied (a crash) is finished before the next one builds on it', async () => {
    const c = await activeContract(sys, cast, {
      amount: 1_000_000,
      amendmentInstallment: 'next_unpaid',
      plan: [
        { name: '首付款', percentBp: 5000, trigger: { kind: 'signing' } },
        { name: '年度款', percentBp: 5000, trigger: { kind: 'date', date: '2099-01-01' } },
      ],
    });
    const open = (await get(`/contracts/${c.id}`, cast.finance.token)).body.plan[1];
    const crashed = new Types.ObjectId();
    await sys.server.container.models.contractAmendments.create({
      contractId: new Types.ObjectId(c.id),
      changeRequestId: crashed,
      delta: 100_000,
      amountBefore: 1_000_000,
      amountAfter: 1_100_000,
      installmentId: new Types.ObjectId(open.id),
      installmentSeq: 2,
      installmentBefore: 500_000,
      installmentAfter: 600_000,
      applied: false,
      note: '',
      at: new Date(),
    });
    const next = new Types.ObjectId().toHexString();
    await runAmendment(next, 50_000);
    await runAmendment(next, 50_000);
    await runAmendment(String(crashed), 100_000);
    const detail = await get(`/contracts/${c.id}`, cast.finance.token);
    expect(detail.body.amount).toBe(1_150_000);
    // the signing installment is invoiced: the deltas went to the next open one
    expect(detail.body.plan.map((i: { amount: number }) => i.amount)).toEqual([500_000, 650_000]);
    const history = await get(`/contracts/${c.id}/amendments`, cast.finance.token);
    expect(history.body.items.map((a: { amountAfter: number }) => a.amountAfter)).toEqual([
      1_150_000, 1_100_000,
    ]);
  });
});
