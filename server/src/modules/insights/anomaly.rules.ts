import { fenToYuan, type AnomalyRule, type AnomalySubject } from '@gantry/shared';
import type { InsightsConfig } from './insights.config';

export interface Candidate {
  subject: AnomalySubject;
  subjectId: string;
  customerId: string;
  amount: number;
  at: Date;
  /** Refunds: when the refunded payment was paid. */
  paidAt?: Date | null;
  /** Change requests: the project's active contract amount. */
  contractAmount?: number | null;
}

export interface Finding {
  rule: AnomalyRule;
  reason: string;
  baseline: { median: number | null; mad: number | null; score: number | null };
}

export const SUBJECT_LABELS: Record<AnomalySubject, string> = {
  invoice: '付款通知',
  payment: '付款',
  refund: '退款',
  change_request: '变更',
};

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median and median absolute deviation. */
export function robustStats(xs: readonly number[]): { median: number; mad: number } | null {
  const m = median(xs);
  if (m === null) return null;
  return { median: m, mad: median(xs.map((x) => Math.abs(x - m)))! };
}

/** The firm's history of one kind, summarised once per scan (sorting 500k amounts per record would not do). */
export interface Baseline {
  n: number;
  median: number;
  mad: number;
  meanAd: number;
}

export function baselineOf(xs: readonly number[]): Baseline | null {
  const st = robustStats(xs);
  if (!st) return null;
  return { n: xs.length, ...st, meanAd: xs.reduce((s, v) => s + Math.abs(v - st.median), 0) / xs.length };
}

/**
 * Iglewicz–Hoaglin modified z-score 0.6745·(x − median)/MAD. When more than half the history is the
 * same amount (MAD = 0) the mean absolute deviation stands in (scaled by 1.2533, its ratio to σ);
 * null when every amount is the same.
 */
export function robustZ(x: number, b: Baseline): number | null {
  if (b.mad > 0) return (0.6745 * (x - b.median)) / b.mad;
  return b.meanAd > 0 ? (x - b.median) / (1.2533 * b.meanAd) : null;
}

const yuan = (fen: number) => `¥${fenToYuan(Math.round(fen))}`;
const round = (v: number) => Math.round(v * 100) / 100;

/**
 * What is unusual about one record. Only unusually HIGH amounts are flagged (a small payment is not
 * a risk); `firm` is the firm's history of the same kind, `customer` the customer's earlier records.
 */
export function evaluate(
  c: Candidate,
  firm: Baseline | null,
  customer: number[],
  cfg: InsightsConfig['anomaly'],
): Finding[] {
  const out: Finding[] = [];
  const label = SUBJECT_LABELS[c.subject];
  if (firm && firm.n >= cfg.minHistory) {
    const z = robustZ(c.amount, firm);
    if (z !== null && z > cfg.robustZ)
      out.push({
        rule: 'amount_vs_firm',
        reason: `${label}金额 ${yuan(c.amount)} 远高于全公司同类记录（中位数 ${yuan(firm.median)}，稳健 z 值 ${round(z)} > ${cfg.robustZ}）`,
        baseline: { median: firm.median, mad: firm.mad, score: round(z) },
      });
  }
  const cm = median(customer);
  if (customer.length >= 2 && cm !== null && cm > 0 && c.amount > cfg.customerMultiple * cm)
    out.push({
      rule: 'amount_vs_customer',
      reason: `${label}金额 ${yuan(c.amount)} 是该客户以往中位数 ${yuan(cm)} 的 ${round(c.amount / cm)} 倍（> ${cfg.customerMultiple} 倍）`,
      baseline: { median: cm, mad: null, score: round(c.amount / cm) },
    });
  if (c.subject === 'refund' && c.paidAt) {
    const hours = (c.at.getTime() - c.paidAt.getTime()) / 3_600_000;
    if (hours >= 0 && hours <= cfg.refundSoonHours)
      out.push({
        rule: 'refund_soon_after_payment',
        reason: `付款后 ${round(hours)} 小时即申请退款 ${yuan(c.amount)}（≤ ${cfg.refundSoonHours} 小时）`,
        baseline: { median: null, mad: null, score: round(hours) },
      });
  }
  if (c.subject === 'change_request' && c.contractAmount && c.contractAmount > 0) {
    const share = c.amount / c.contractAmount;
    if (share >= cfg.changeShareOfContract)
      out.push({
        rule: 'change_cost_vs_contract',
        reason: `变更报价 ${yuan(c.amount)} 占合同额 ${yuan(c.contractAmount)} 的 ${Math.round(share * 100)}%（≥ ${Math.round(cfg.changeShareOfContract * 100)}%）`,
        baseline: { median: null, mad: null, score: round(share) },
      });
  }
  return out;
}
