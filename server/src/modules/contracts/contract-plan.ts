import { Types } from 'mongoose';
import { dateOfCalendarDate, computePlanAmounts, type InstallmentInput } from '@gantry/shared';
import { ValidationError } from '../../core/errors';
import type { MilestoneModel } from '../projects/milestone.model';
import type { InstallmentDoc } from './contract.model';

export type NewInstallment = Omit<InstallmentDoc, '_id'>;

/**
 * The installment documents of a plan: amounts in fen by the plan rule (shared
 * `computePlanAmounts`: percentages rounded down to the fen, the last percentage installment takes
 * the remainder), milestone triggers resolved to milestones of the contract's project (their name is
 * kept, so the invoice says why it is due even if the milestone is renamed later).
 */
export async function buildInstallments(
  contract: { _id: Types.ObjectId; amount: number; projectId: Types.ObjectId | null },
  plan: InstallmentInput[],
  milestones: MilestoneModel,
): Promise<NewInstallment[]> {
  const amounts = computePlanAmounts(contract.amount, plan);
  if (!Array.isArray(amounts)) throw new ValidationError([{ path: 'body.plan', message: amounts.message }]);
  const milestoneIds = plan.flatMap((i) => (i.trigger.kind === 'milestone' ? [i.trigger.milestoneId] : []));
  const names = await milestoneNames(contract.projectId, milestoneIds, milestones);
  return plan.map((item, idx) => {
    const t = item.trigger;
    return {
      contractId: contract._id,
      seq: idx + 1,
      name: item.name,
      amount: amounts[idx]!,
      percentBp: item.percentBp ?? null,
      trigger: {
        kind: t.kind,
        milestoneId: t.kind === 'milestone' ? new Types.ObjectId(t.milestoneId) : null,
        milestoneName: t.kind === 'milestone' ? (names.get(t.milestoneId) ?? null) : null,
        date: t.kind === 'date' ? dateOfCalendarDate(t.date) : null,
      },
      dueDays: item.dueDays,
      invoiceId: null,
      origin: 'plan' as const,
    };
  });
}

async function milestoneNames(
  projectId: Types.ObjectId | null,
  ids: string[],
  milestones: MilestoneModel,
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  if (!projectId) throw new ValidationError([{ path: 'body.plan', message: '按节点付款的合同须关联项目' }]);
  const found = await milestones
    .find({ _id: { $in: ids.map((i) => new Types.ObjectId(i)) }, projectId }, { name: 1 })
    .lean();
  const names = new Map(found.map((m) => [String(m._id), m.name]));
  const missing = ids.filter((i) => !names.has(i));
  if (missing.length > 0)
    throw new ValidationError(
      missing.map((id) => ({ path: 'body.plan', message: `节点 ${id} 不属于该合同的项目` })),
    );
  return names;
}
