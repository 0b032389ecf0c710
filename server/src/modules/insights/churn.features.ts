import { CHURN_FACTORS, type ChurnFactor } from '@gantry/shared';

const DAY_MS = 86_400_000;

/** Per-customer history (read once per refit) the features and labels are computed from. */
export interface CustomerHistory {
  customerId: string;
  name: string;
  ownerId: string | null;
  contracts: Array<{ signedDate: Date; amount: number }>;
  projectEnds: Date[];
  invoices: Array<{ dueDate: Date; paidAt: Date | null; open: boolean }>;
  ratings: Array<{ overall: number; at: Date }>;
  complaints: Date[];
}

export type FeatureVector = Record<ChurnFactor, number>;

/**
 * Features as of `t` (only history up to then counts, so a training row never sees its own outcome):
 * recency = days since the last contract signed (days since the first project end when none);
 * frequency = contracts signed; monetary = their total in yuan; late payments = invoices due before
 * `t` and paid after their due day or still open; avg rating (null = none, imputed by the caller);
 * complaints raised.
 */
export function featuresAt(h: CustomerHistory, t: Date): FeatureVector & { avgRatingKnown: boolean } {
  const signed = h.contracts.filter((c) => c.signedDate <= t);
  const lastSigned = Math.max(...signed.map((c) => c.signedDate.getTime()), -Infinity);
  const firstEnd = Math.min(...h.projectEnds.filter((e) => e <= t).map((e) => e.getTime()), Infinity);
  const since = Number.isFinite(lastSigned) ? lastSigned : Number.isFinite(firstEnd) ? firstEnd : t.getTime();
  const late = h.invoices.filter((i) => {
    const dueEnd = i.dueDate.getTime() + DAY_MS;
    if (dueEnd > t.getTime()) return false;
    return i.paidAt ? i.paidAt.getTime() > dueEnd : i.open;
  }).length;
  const ratings = h.ratings.filter((r) => r.at <= t);
  return {
    recencyDays: Math.max(0, Math.floor((t.getTime() - since) / DAY_MS)),
    frequency: signed.length,
    monetary: Math.round(signed.reduce((s, c) => s + c.amount, 0) / 100),
    latePayments: late,
    avgRating: ratings.length ? ratings.reduce((s, r) => s + r.overall, 0) / ratings.length : 0,
    avgRatingKnown: ratings.length > 0,
    complaints: h.complaints.filter((c) => c <= t).length,
  };
}

/**
 * The label, at the end E of the customer's latest completed project: churned (1) when no contract
 * was signed within `months` after E, came back (0) when one was. Unlabelled (null) while E is less
 * than `months` ago (too early to tell) or the customer has no completed project.
 */
export function labelOf(h: CustomerHistory, now: Date, months: number): { end: Date; churned: 0 | 1 } | null {
  if (h.projectEnds.length === 0) return null;
  const end = new Date(Math.max(...h.projectEnds.map((e) => e.getTime())));
  const horizon = addMonths(end, months);
  if (horizon > now) return null;
  const back = h.contracts.some((c) => c.signedDate > end && c.signedDate <= horizon);
  return { end, churned: back ? 0 : 1 };
}

export function addMonths(d: Date, months: number): Date {
  const out = new Date(d);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

export function toRow(f: FeatureVector): number[] {
  return CHURN_FACTORS.map((k) => f[k]);
}
