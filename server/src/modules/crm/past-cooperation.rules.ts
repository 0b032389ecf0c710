import {
  calendarDateOf,
  daysBetween,
  fenToYuan,
  type CustomerTier,
  type PastCooperation,
  type PastProject,
  type PastProjectChanges,
  type RiskNote,
} from '@gantry/shared';

/**
 * The pure half of "past cooperation": figures and Chinese risk notes from rows already read
 * (past-cooperation.ts reads them). Every note names the rule (`code`) that produced it, so a PM can
 * see why it is there; the thresholds are below.
 */

/** Change requests per project from which scope changes count as a risk. */
export const FREQUENT_CHANGES_PER_PROJECT = 2;
/** A tag naming one of these reads as a risk flag set by sales. */
export const RISK_TAG_WORDS = [
  '风险',
  '欠款',
  '拖欠',
  '欠费',
  '逾期',
  '坏账',
  '纠纷',
  '诉讼',
  '投诉',
  '黑名单',
];

const YEAR_MS = 365 * 86_400_000;

export interface ChangeRow {
  projectId: unknown;
}
export interface ApprovedChangeRow {
  projectId: unknown;
  quote: { costDelta: number; scheduleDeltaDays: number } | null;
}
/** An invoice as the ledger holds it: status, open fen and when it was paid in full (see invoiceMoney). */
export interface InvoiceRow {
  status: string;
  open: number;
  dueDate: Date;
  paidAt: Date | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const signed = (n: number, text: string) => (n < 0 ? `-${text}` : `+${text}`);

export function scopeChanges(
  projects: PastProject[],
  requests: ChangeRow[],
  approved: ApprovedChangeRow[],
): PastCooperation['changes'] {
  const per = new Map<string, PastProjectChanges>(
    projects.map((p) => [
      p.id,
      { projectId: p.id, requests: 0, approved: 0, costDelta: 0, scheduleDeltaDays: 0 },
    ]),
  );
  for (const r of requests) {
    const row = per.get(String(r.projectId));
    if (row) row.requests += 1;
  }
  for (const a of approved) {
    const row = per.get(String(a.projectId));
    if (!row) continue;
    row.approved += 1;
    row.costDelta += a.quote?.costDelta ?? 0;
    row.scheduleDeltaDays += a.quote?.scheduleDeltaDays ?? 0;
  }
  const perProject = [...per.values()];
  const sum = (k: 'requests' | 'approved' | 'costDelta' | 'scheduleDeltaDays') =>
    perProject.reduce((s, r) => s + r[k], 0);
  return {
    perProject,
    requests: sum('requests'),
    approved: sum('approved'),
    costDelta: sum('costDelta'),
    scheduleDeltaDays: sum('scheduleDeltaDays'),
    perProjectAverage: projects.length ? round(sum('requests') / projects.length, 1) : null,
  };
}

/** Payment behaviour over invoices that are neither draft nor void (see pastCooperationSchema). */
export function paymentBehaviour(invoices: InvoiceRow[], now: Date): PastCooperation['payments'] {
  const today = calendarDateOf(now);
  const yearAgo = now.getTime() - YEAR_MS;
  const out = { issued: 0, paid: 0, paidOnTime: 0, paidLate: 0, overdueNow: 0, overdueAmount: 0 };
  const daysLate: number[] = [];
  let lateLast12Months = 0;
  for (const inv of invoices) {
    out.issued += 1;
    const dueDay = calendarDateOf(inv.dueDate);
    let late = false;
    if (inv.status === 'paid') {
      out.paid += 1;
      const paidDay = inv.paidAt ? calendarDateOf(inv.paidAt) : dueDay;
      late = paidDay > dueDay;
      if (late) daysLate.push(daysBetween(dueDay, paidDay));
      if (late) out.paidLate += 1;
      else out.paidOnTime += 1;
    } else if (inv.status === 'overdue' || dueDay < today) {
      late = true;
      out.overdueNow += 1;
      out.overdueAmount += inv.open;
    }
    if (late && inv.dueDate.getTime() >= yearAgo) lateLast12Months += 1;
  }
  const averageDaysLate = daysLate.length
    ? round(daysLate.reduce((s, d) => s + d, 0) / daysLate.length, 1)
    : null;
  return { ...out, averageDaysLate, lateLast12Months };
}

export function ratingFigures(overalls: number[]) {
  return {
    ratings: overalls.length,
    lowRatings: overalls.filter((o) => o <= 2).length,
    averageRating: overalls.length ? round(overalls.reduce((s, o) => s + o, 0) / overalls.length, 2) : null,
  };
}

export const riskTagsOf = (tags: string[]) => tags.filter((t) => RISK_TAG_WORDS.some((w) => t.includes(w)));

/** The Chinese risk notes, payment first (what a PM most needs before starting). */
export function riskNotes(
  p: Pick<PastCooperation, 'changes' | 'payments'> & {
    risk: Omit<PastCooperation['risk'], 'notes' | 'customerNotes'> & { tier: CustomerTier };
  },
): RiskNote[] {
  const { changes, payments, risk } = p;
  const notes: RiskNote[] = [];
  const add = (code: string, text: string) => notes.push({ code, text });
  if (risk.tier === 'risk') add('risk_tier', '客户当前评级为「风险」');
  if (payments.lateLast12Months > 0)
    add('late_payments', `近 12 个月 ${payments.lateLast12Months} 次逾期付款`);
  if (payments.overdueNow > 0)
    add(
      'overdue_now',
      `当前 ${payments.overdueNow} 笔账单逾期未付，共 ¥${fenToYuan(payments.overdueAmount)}`,
    );
  if (payments.averageDaysLate !== null) add('days_late', `逾期付款平均晚 ${payments.averageDaysLate} 天`);
  if (changes.perProjectAverage !== null && changes.perProjectAverage >= FREQUENT_CHANGES_PER_PROJECT)
    add('frequent_changes', `平均每个项目 ${changes.perProjectAverage} 次变更`);
  if (changes.approved > 0)
    add(
      'approved_changes',
      `已批准变更 ${changes.approved} 项，费用 ${signed(changes.costDelta, `¥${fenToYuan(Math.abs(changes.costDelta))}`)}，` +
        `工期 ${signed(changes.scheduleDeltaDays, `${Math.abs(changes.scheduleDeltaDays)} 天`)}`,
    );
  if (risk.openComplaints > 0) add('open_complaints', `${risk.openComplaints} 起投诉尚未关闭`);
  if (risk.lowRatings > 0) add('low_ratings', `${risk.lowRatings} 次低分评价（2 星及以下）`);
  if (risk.riskTags.length > 0) add('risk_tags', `风险标签：${risk.riskTags.join('、')}`);
  return notes;
}
