import {
  CUSTOMER_SOURCES,
  CUSTOMER_SOURCE_LABELS,
  OPPORTUNITY_PATH,
  OPPORTUNITY_STAGES,
  OPPORTUNITY_STAGE_LABELS,
  type CustomerSource,
  type Funnel,
  type OpportunityStage,
} from '@gantry/shared';
import type { OpportunityDoc, StageHistoryDoc } from './opportunity.model';

const DAY_MS = 86_400_000;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The funnel over a bounded set of opportunities and their stage histories (pure; exported for tests). */
export function computeFunnel(
  opps: Array<Pick<OpportunityDoc, '_id' | 'customerId' | 'stage' | 'expectedAmount'>>,
  history: Array<Pick<StageHistoryDoc, 'opportunityId' | 'from' | 'to' | 'at'>>,
  sourceOf: Map<string, CustomerSource>,
  truncated: boolean,
): Funnel {
  const byOpp = new Map<string, Array<Pick<StageHistoryDoc, 'from' | 'to' | 'at'>>>();
  for (const h of history) {
    const key = String(h.opportunityId);
    byOpp.set(key, [...(byOpp.get(key) ?? []), h]);
  }
  const daysIn = new Map<OpportunityStage, number[]>(OPPORTUNITY_STAGES.map((s) => [s, []]));
  const reached = new Map<OpportunityStage, number>(OPPORTUNITY_PATH.map((s) => [s, 0]));
  for (const o of opps) {
    const entries = (byOpp.get(String(o._id)) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
    for (let i = 0; i + 1 < entries.length; i += 1) {
      const days = (entries[i + 1]!.at.getTime() - entries[i]!.at.getTime()) / DAY_MS;
      daysIn.get(entries[i]!.to)!.push(days);
    }
    // The furthest stage on the forward path it ever entered (every opportunity starts at intention).
    const visited = new Set<OpportunityStage>(['intention', o.stage, ...entries.map((e) => e.to)]);
    let furthest = 0;
    OPPORTUNITY_PATH.forEach((s, i) => {
      if (visited.has(s)) furthest = i;
    });
    for (let i = 0; i <= furthest; i += 1) {
      const s = OPPORTUNITY_PATH[i]!;
      reached.set(s, reached.get(s)! + 1);
    }
  }
  const stages = OPPORTUNITY_STAGES.map((stage) => {
    const inStage = opps.filter((o) => o.stage === stage);
    const m = median(daysIn.get(stage)!);
    return {
      stage,
      label: OPPORTUNITY_STAGE_LABELS[stage],
      count: inStage.length,
      amount: inStage.reduce((sum, o) => sum + (o.expectedAmount ?? 0), 0),
      medianDays: m === null ? null : round(m, 2),
    };
  });
  const conversions = OPPORTUNITY_PATH.slice(0, -1).map((from, i) => {
    const to = OPPORTUNITY_PATH[i + 1]!;
    const reachedFrom = reached.get(from)!;
    const reachedTo = reached.get(to)!;
    return { from, to, reachedFrom, reachedTo, rate: reachedFrom ? round(reachedTo / reachedFrom, 4) : null };
  });
  const signedBySource = CUSTOMER_SOURCES.map((source) => {
    const signed = opps.filter(
      (o) => o.stage === 'signed' && (sourceOf.get(String(o.customerId)) ?? 'other') === source,
    );
    return {
      source,
      label: CUSTOMER_SOURCE_LABELS[source],
      count: signed.length,
      amount: signed.reduce((sum, o) => sum + (o.expectedAmount ?? 0), 0),
    };
  });
  return { stages, conversions, signedBySource, total: opps.length, truncated };
}
