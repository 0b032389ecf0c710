import type { InstallmentInput } from '@gantry/shared';
import { createContractSchema } from '@gantry/shared';
import type { Container } from '../../server/src/container';
import type { Actor } from '../../server/src/core/auth/actor';

const DAY = 86_400_000;
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

/**
 * 华景置业's signed contract for its project under construction, taken through the real flow:
 * drafted by its sales owner, approved by finance and the admin, active. The plan ties half to the
 * first confirmed milestone, so activation issues that invoice (what is due and why), and half to
 * the last milestone. Without milestones (older seeds) the plan falls back to signing + a date.
 */
export async function seedDemoContract(container: Container): Promise<void> {
  const { models, services } = container;
  const customer = await models.customers.findOne({ name: '华景置业有限公司' }).lean();
  const project = customer
    ? await models.projects.findOne({ customerId: customer._id, status: 'active' }).lean()
    : null;
  if (!customer || !project) return;
  const staff = async (username: string): Promise<Actor> => {
    const u = await models.staffUsers.findOne({ username }).lean();
    if (!u) throw new Error(`demo staff ${username} missing`);
    return {
      id: String(u._id),
      kind: 'staff',
      role: u.role,
      name: u.name,
      customerId: null,
      sessionId: 'demo-seed',
    };
  };
  const [sales, finance, admin] = [await staff('lina'), await staff('liufang'), await staff('admin')];
  const milestones = await models.milestones.find({ projectId: project._id }).sort({ seq: 1 }).lean();
  const confirmed = milestones.find((m) => m.status === 'confirmed');
  const last = milestones[milestones.length - 1];
  const plan: InstallmentInput[] =
    confirmed && last && last._id !== confirmed._id
      ? [
          {
            name: '进度款',
            percentBp: 5000,
            trigger: { kind: 'milestone', milestoneId: String(confirmed._id) },
            dueDays: 15,
          },
          {
            name: '竣工款',
            percentBp: 5000,
            trigger: { kind: 'milestone', milestoneId: String(last._id) },
            dueDays: 30,
          },
        ]
      : [
          { name: '首付款', percentBp: 3000, trigger: { kind: 'signing' }, dueDays: 15 },
          {
            name: '尾款',
            percentBp: 7000,
            trigger: { kind: 'date', date: dateOnly(new Date(Date.now() + 180 * DAY)) },
            dueDays: 15,
          },
        ];
  const input = createContractSchema.parse({
    number: 'HT-2026-0018',
    customerId: String(customer._id),
    projectId: String(project._id),
    opportunityId: null,
    amount: 1_280_000_000,
    signedDate: dateOnly(project.actualStart ?? project.plannedStart),
    terms: '施工总承包合同：工期、质量标准、付款方式按附件执行；变更增减款计入最后一期。',
    plan,
    amendmentInstallment: 'last',
  });
  const contract = await services.contracts.create(sales, input);
  await services.contractApprovals.submit(sales, contract.id);
  await services.contractApprovals.decide(finance, contract.id, {
    decision: 'approve',
    comment: '付款节点合理',
  });
  await services.contractApprovals.decide(admin, contract.id, { decision: 'approve', comment: '同意签约' });
}
