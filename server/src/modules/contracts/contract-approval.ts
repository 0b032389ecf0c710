import type { Actor } from '../../core/auth/actor';
import type { ApprovalLevelConfig } from './contracts.config';
import type { ContractDoc } from './contract.model';

export type ApprovalLevel = ContractDoc['approvalLevels'][number];

const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN')} 元`;
const percent = (bp: number) => `${bp / 100}%`;

/**
 * The levels a contract needs, numbered in config order. A level applies when the amount reaches
 * its minAmount or the discount reaches its minDiscountBp; `reason` records which, for the approver.
 */
export function applicableLevels(
  config: ApprovalLevelConfig[],
  amount: number,
  discountBp: number,
): ApprovalLevel[] {
  const levels: ApprovalLevel[] = [];
  config.forEach((l, idx) => {
    const reasons: string[] = [];
    if (l.minAmount !== undefined && amount >= l.minAmount)
      reasons.push(l.minAmount === 0 ? '所有合同' : `金额 ≥ ${yuan(l.minAmount)}`);
    if (l.minDiscountBp !== undefined && discountBp >= l.minDiscountBp)
      reasons.push(`折扣 ≥ ${percent(l.minDiscountBp)}`);
    if (reasons.length > 0)
      levels.push({
        level: idx + 1,
        name: l.name,
        reason: reasons.join('；'),
        roles: l.roles,
        userIds: l.userIds,
      });
  });
  return levels;
}

/**
 * Discount in basis points vs the reference price (the opportunity's latest quote, else the list
 * amount): floor((reference − amount) × 10000 / reference), never negative; 0 without a reference.
 */
export function discountBp(amount: number, reference: number | null): number {
  if (!reference || reference <= 0 || amount >= reference) return 0;
  return Math.floor(((reference - amount) * 10_000) / reference);
}

/** May `actor` decide `level` of `contract`? The submitter never approves their own contract. */
export function canDecideLevel(
  actor: Actor,
  level: ApprovalLevel,
  contract: Pick<ContractDoc, 'createdBy'>,
): boolean {
  if (actor.kind !== 'staff' || actor.id === contract.createdBy) return false;
  return (level.roles as string[]).includes(actor.role) || level.userIds.includes(actor.id);
}
