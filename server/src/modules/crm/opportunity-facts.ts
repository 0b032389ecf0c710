import { Types } from 'mongoose';
import type { OpportunityDoc, OpportunityModel } from './opportunity.model';

/**
 * Read-only facts about customers' opportunities, for customer scoring. Each reads one bounded
 * batch of customers with a single query and answers customer id → value.
 */
type Row = Pick<OpportunityDoc, 'customerId' | 'stage' | 'expectedAmount' | 'stageEnteredAt'>;

async function rowsOf(opportunities: OpportunityModel, customerIds: string[]): Promise<Row[]> {
  if (customerIds.length === 0) return [];
  return opportunities
    .find(
      { customerId: { $in: customerIds.map((id) => new Types.ObjectId(id)) } },
      { customerId: 1, stage: 1, expectedAmount: 1, stageEnteredAt: 1 },
    )
    .lean<Row[]>();
}

const add = (m: Map<string, number>, key: string, n: number) => m.set(key, (m.get(key) ?? 0) + n);

/** Amount (fen) of opportunities signed since `since` (the contract value until contracts exist). */
export async function signedAmountSince(
  opportunities: OpportunityModel,
  customerIds: string[],
  since: Date,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await rowsOf(opportunities, customerIds))
    if (r.stage === 'signed' && r.stageEnteredAt >= since)
      add(out, String(r.customerId), r.expectedAmount ?? 0);
  return out;
}

/** Opportunities signed since `since`. */
export async function signedCountSince(
  opportunities: OpportunityModel,
  customerIds: string[],
  since: Date,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await rowsOf(opportunities, customerIds))
    if (r.stage === 'signed' && r.stageEnteredAt >= since) add(out, String(r.customerId), 1);
  return out;
}

/** How many opportunities (open or lost) a customer has, for customers with none ever signed. */
export async function unsignedOpportunityCounts(
  opportunities: OpportunityModel,
  customerIds: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const signed = new Set<string>();
  for (const r of await rowsOf(opportunities, customerIds)) {
    add(counts, String(r.customerId), 1);
    if (r.stage === 'signed') signed.add(String(r.customerId));
  }
  for (const id of signed) counts.delete(id);
  return counts;
}
