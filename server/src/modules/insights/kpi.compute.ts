import {
  AGING_BUCKET_LABELS,
  AGING_KEYS,
  calendarDateOf,
  daysBetween,
  OPPORTUNITY_STAGE_LABELS,
  OPPORTUNITY_STAGES,
  type InsightsGroupBy,
  type KpiFigures,
  type KpiMetric,
  type KpiRecord,
  type TrendPoint,
} from '@gantry/shared';
import { agingBucket } from '../contracts/receivables';
import { periodKey, summarize } from '../feedback/response-clock.stats';

/** Plain rows the KPIs are computed from (loaded once per request by kpi.data.ts). */
export interface KpiData {
  staff: Map<string, { name: string; managerId: string | null }>;
  customers: Map<string, { name: string; ownerId: string | null }>;
  projects: Map<
    string,
    { type: string; customerId: string; plannedEnd: Date; actualEnd: Date | null; status: string }
  >;
  clocks: Array<{
    id: string;
    customerId: string;
    projectId: string | null;
    openedAt: Date;
    seconds: number | null;
  }>;
  /** Active contracts signed before `to` (earlier ones tell whether a signing is a repeat). */
  contracts: Array<{ id: string; customerId: string; projectId: string | null; signedDate: Date }>;
  ratings: Array<{ id: string; customerId: string; projectId: string; overall: number; at: Date }>;
  invoices: Array<{
    id: string;
    customerId: string;
    projectId: string | null;
    open: number;
    dueDate: Date;
    issuedAt: Date | null;
  }>;
  opportunities: Array<{ id: string; customerId: string; stage: string; amount: number; at: Date }>;
}

/** One record behind a figure; `flag` = repeat signing / on time; `bucket` = aging bucket or stage. */
export interface Entry {
  kind: KpiRecord['kind'];
  id: string;
  customerId: string;
  projectId: string | null;
  value: number | null;
  at: Date | null;
  flag?: boolean;
  bucket?: string;
}

export type Entries = Record<Exclude<KpiMetric, 'overdue'>, Entry[]>;

export interface Window {
  from: Date;
  to: Date;
  now: Date;
}

const inWindow = (at: Date | null, w: Window) => at !== null && at >= w.from && at < w.to;

/** The records behind every figure, in one pass over each row set. */
export function collectEntries(d: KpiData, w: Window): Entries {
  // Aged as of the window end, like GET /receivables?asOf (open amounts as of then, from the ledger).
  const asOf = w.to;
  const asOfDate = calendarDateOf(asOf);
  return {
    responseTime: d.clocks
      .filter((c) => inWindow(c.openedAt, w))
      .map((c) => ({
        kind: 'response_clock',
        id: c.id,
        customerId: c.customerId,
        projectId: c.projectId,
        value: c.seconds,
        at: c.openedAt,
      })),
    repeatCustomers: repeatEntries(d.contracts, w),
    projectDuration: [...d.projects]
      .filter(([, p]) => p.actualEnd !== null && inWindow(p.actualEnd, w))
      .map(([id, p]) => {
        const over = daysBetween(p.plannedEnd.toISOString().slice(0, 10), calendarDateOf(p.actualEnd!));
        return {
          kind: 'project',
          id,
          customerId: p.customerId,
          projectId: id,
          value: over,
          at: p.actualEnd,
          flag: over <= 0,
        };
      }),
    satisfaction: d.ratings
      .filter((r) => inWindow(r.at, w))
      .map((r) => ({
        kind: 'rating',
        id: r.id,
        customerId: r.customerId,
        projectId: r.projectId,
        value: r.overall,
        at: r.at,
      })),
    receivables: d.invoices
      .filter((i) => i.open > 0 && i.issuedAt !== null && i.issuedAt < asOf)
      .map((i) => {
        const pastDue = daysBetween(i.dueDate.toISOString().slice(0, 10), asOfDate);
        return {
          kind: 'invoice',
          id: i.id,
          customerId: i.customerId,
          projectId: i.projectId,
          value: i.open,
          at: i.dueDate,
          bucket: agingBucket(pastDue),
          flag: pastDue > 0,
        };
      }),
    funnel: d.opportunities
      .filter((o) => inWindow(o.at, w))
      .map((o) => ({
        kind: 'opportunity',
        id: o.id,
        customerId: o.customerId,
        projectId: null,
        value: o.amount,
        at: o.at,
        bucket: o.stage,
      })),
  };
}

/** One entry per customer who signed in the window: its first signing there; flag = it was their 2nd or later. */
function repeatEntries(contracts: KpiData['contracts'], w: Window): Entry[] {
  const byCustomer = new Map<string, KpiData['contracts']>();
  for (const c of contracts) byCustomer.set(c.customerId, [...(byCustomer.get(c.customerId) ?? []), c]);
  const out: Entry[] = [];
  for (const [customerId, list] of byCustomer) {
    const sorted = [...list].sort(
      (a, b) => a.signedDate.getTime() - b.signedDate.getTime() || a.id.localeCompare(b.id),
    );
    const idx = sorted.findIndex((c) => inWindow(c.signedDate, w));
    if (idx < 0) continue;
    const c = sorted[idx]!;
    const later = sorted.slice(idx + 1).some((x) => inWindow(x.signedDate, w));
    out.push({
      kind: 'contract',
      id: c.id,
      customerId,
      projectId: c.projectId,
      value: idx + 1,
      at: c.signedDate,
      flag: idx > 0 || later,
    });
  }
  return out;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The five figures from their entries; `link(metric, bucket?)` names the records behind each. */
export function figuresOf(
  e: Entries,
  asOf: Date,
  link: (metric: KpiMetric, bucket?: string) => string,
): KpiFigures {
  const answered = e.responseTime.filter((x) => x.value !== null).map((x) => x.value!);
  const durations = e.projectDuration.map((x) => x.value!);
  const avgStars = mean(e.satisfaction.map((x) => x.value!));
  const repeat = e.repeatCustomers.filter((x) => x.flag).length;
  const onTime = e.projectDuration.filter((x) => x.flag).length;
  const aging = AGING_KEYS.map((bucket) => {
    const rows = e.receivables.filter((x) => x.bucket === bucket);
    return {
      bucket,
      label: AGING_BUCKET_LABELS[bucket],
      amount: sum(rows),
      count: rows.length,
      link: link('receivables', bucket),
    };
  });
  const overdue = e.receivables.filter((x) => x.flag);
  const { count: _c, ...stats } = summarize(answered);
  return {
    responseTime: {
      ...stats,
      count: answered.length,
      unanswered: e.responseTime.length - answered.length,
      link: link('responseTime'),
    },
    repeatCustomers: {
      count: e.repeatCustomers.length,
      repeat,
      rate: e.repeatCustomers.length ? round(repeat / e.repeatCustomers.length, 4) : null,
      link: link('repeatCustomers'),
    },
    projectDuration: {
      count: durations.length,
      avgDaysOver: durations.length ? round(mean(durations.map((d) => Math.max(0, d)))!, 1) : null,
      onTime,
      onTimeShare: durations.length ? round(onTime / durations.length, 4) : null,
      link: link('projectDuration'),
    },
    satisfaction: {
      count: e.satisfaction.length,
      average: avgStars === null ? null : round(avgStars, 2),
      link: link('satisfaction'),
    },
    receivables: {
      asOf: asOf.toISOString(),
      count: e.receivables.length,
      openAmount: sum(e.receivables),
      overdueAmount: sum(overdue),
      overdueCount: overdue.length,
      overdueLink: link('overdue'),
      aging,
      link: link('receivables'),
    },
  };
}

const sum = (rows: Entry[]) => rows.reduce((acc, x) => acc + (x.value ?? 0), 0);

export function funnelOf(e: Entries, link: (metric: KpiMetric, bucket?: string) => string) {
  return OPPORTUNITY_STAGES.map((stage) => {
    const rows = e.funnel.filter((x) => x.bucket === stage);
    return {
      stage,
      label: OPPORTUNITY_STAGE_LABELS[stage],
      count: rows.length,
      amount: sum(rows),
      link: link('funnel', stage),
    };
  });
}

/** Monthly (Asia/Shanghai) points: median response seconds and average stars. */
export function trendsOf(e: Entries): { responseMedianSeconds: TrendPoint[]; satisfaction: TrendPoint[] } {
  const monthly = (rows: Entry[], reduce: (xs: number[]) => number | null): TrendPoint[] => {
    const byMonth = new Map<string, number[]>();
    for (const r of rows) {
      if (r.value === null || !r.at) continue;
      const key = periodKey(r.at, 'month');
      byMonth.set(key, [...(byMonth.get(key) ?? []), r.value]);
    }
    return [...byMonth]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, xs]) => ({ month, value: reduce(xs), count: xs.length }));
  };
  return {
    responseMedianSeconds: monthly(e.responseTime, (xs) => summarize(xs).medianSeconds),
    satisfaction: monthly(e.satisfaction, (xs) => round(mean(xs)!, 2)),
  };
}

/** The group an entry belongs to: the customer's current owner, that owner's team (manager), or the project type. */
export function groupKeyOf(
  d: KpiData,
  groupBy: InsightsGroupBy,
  entry: Pick<Entry, 'customerId' | 'projectId'>,
): string {
  if (groupBy === 'projectType') return (entry.projectId && d.projects.get(entry.projectId)?.type) || 'none';
  const owner = d.customers.get(entry.customerId)?.ownerId ?? null;
  if (!owner) return 'unassigned';
  if (groupBy === 'owner') return owner;
  return d.staff.get(owner)?.managerId ?? owner;
}

export function filterEntries(e: Entries, keep: (x: Entry) => boolean): Entries {
  return Object.fromEntries(Object.entries(e).map(([k, rows]) => [k, rows.filter(keep)])) as Entries;
}
