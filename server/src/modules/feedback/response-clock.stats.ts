import type { ResponsePeriod, ResponseStats } from '@gantry/shared';

/** Stated in every answer so a reader can recompute the numbers by hand. */
export const STATS_DEFINITION =
  'Seconds from the customer raising a request to the first staff response, over answered requests raised in [from, to). ' +
  'median: the middle value of the sorted times (mean of the two middle values for an even count); ' +
  'p90: nearest rank, the smallest time t such that at least 90% of the times are <= t, i.e. sorted[ceil(0.9 n) - 1]; ' +
  'avg rounded to 0.1 s. Periods are calendar days, ISO weeks (Monday) and months in Asia/Shanghai.';

/** Nearest-rank percentile (0 < p <= 1) of an ascending array: always one of the observed values. */
export function percentileNearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  const upper = sorted[mid]!;
  return n % 2 === 1 ? upper : (sorted[mid - 1]! + upper) / 2;
}

export function summarize(seconds: readonly number[]): ResponseStats {
  const sorted = [...seconds].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, avgSeconds: null, medianSeconds: null, p90Seconds: null };
  const sum = sorted.reduce((acc, s) => acc + s, 0);
  return {
    count: n,
    avgSeconds: Math.round((sum / n) * 10) / 10,
    medianSeconds: median(sorted),
    p90Seconds: percentileNearestRank(sorted, 0.9),
  };
}

// China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact here.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The period a moment falls in, named by its first day in Asia/Shanghai: `2026-11-23` (day, week) or `2026-11` (month). */
export function periodKey(at: Date, period: ResponsePeriod): string {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  if (period === 'month') return local.toISOString().slice(0, 7);
  if (period === 'week') {
    const sinceMonday = (local.getUTCDay() + 6) % 7;
    local.setUTCDate(local.getUTCDate() - sinceMonday);
  }
  return local.toISOString().slice(0, 10);
}

export interface AnsweredClock {
  openedAt: Date;
  responseSeconds: number;
  answeredBy: { id: string; name: string };
}

export interface StatsGroup extends ResponseStats {
  key: string;
  label: string;
}

/** Per staff member (sorted by name) or per period (chronological). */
export function groupStats(
  clocks: readonly AnsweredClock[],
  groupBy: 'staff' | 'period',
  period: ResponsePeriod,
): StatsGroup[] {
  const groups = new Map<string, { label: string; seconds: number[] }>();
  for (const clock of clocks) {
    const key = groupBy === 'staff' ? clock.answeredBy.id : periodKey(clock.openedAt, period);
    const label = groupBy === 'staff' ? clock.answeredBy.name : key;
    const group = groups.get(key) ?? { label, seconds: [] };
    group.seconds.push(clock.responseSeconds);
    groups.set(key, group);
  }
  const rows = [...groups].map(([key, g]) => ({ key, label: g.label, ...summarize(g.seconds) }));
  const byLabel = (a: StatsGroup, b: StatsGroup) =>
    a.label.localeCompare(b.label, 'zh-CN') || a.key.localeCompare(b.key);
  return rows.sort(groupBy === 'staff' ? byLabel : (a, b) => a.key.localeCompare(b.key));
}
