import { Types } from 'mongoose';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { OpportunityModel } from '../crm/opportunity.model';
import { FACTS, type FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { ContractModel } from './contract.model';

const YEAR_MS = 365 * 86_400_000;

/**
 * Fen signed in the last 12 months per customer: active contracts signed then (amendments
 * included), plus deals signed then that no active contract stands for yet (their expected amount,
 * as the CRM counted before contracts existed) — a contract replaces its opportunity, never adds to it.
 */
export async function annualContractValues(
  deps: { contracts: ContractModel; opportunities: OpportunityModel },
  customerIds: string[],
  now: Date = new Date(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds.length === 0) return out;
  const ids = customerIds.map((id) => new Types.ObjectId(id));
  const since = new Date(now.getTime() - YEAR_MS);
  const add = (id: Types.ObjectId, fen: number) => out.set(String(id), (out.get(String(id)) ?? 0) + fen);
  const contracts = await deps.contracts
    .find(
      { customerId: { $in: ids }, status: 'active' },
      { customerId: 1, amount: 1, signedDate: 1, opportunityId: 1 },
    )
    .lean();
  for (const c of contracts) if (c.signedDate >= since) add(c.customerId, c.amount);
  const covered = new Set(contracts.flatMap((c) => (c.opportunityId ? [String(c.opportunityId)] : [])));
  const signed = await deps.opportunities
    .find(
      { customerId: { $in: ids }, stage: 'signed' },
      { customerId: 1, expectedAmount: 1, stageEnteredAt: 1 },
    )
    .lean();
  for (const o of signed)
    if (!covered.has(String(o._id)) && o.stageEnteredAt >= since) add(o.customerId, o.expectedAmount ?? 0);
  return out;
}

/**
 * The "annual contract value" score factor reads real contracts (the CRM's estimate from signed
 * opportunities remains for deals without one); the customer is rescored when a contract becomes active.
 */
export function registerContractScoring(d: {
  contracts: ContractModel;
  opportunities: OpportunityModel;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
  events: EventBus;
  logger: Logger;
}): void {
  d.facts.registerFactProvider(FACTS.annualContractValue, (ids) => annualContractValues(d, ids));
  d.events.subscribe('contract.approved', async (event) => {
    const customerId = event.payload.customerId;
    if (typeof customerId !== 'string') return;
    // A failed rescore must not fail the approval; the nightly crm.rescore catches up.
    await d.scoring
      .recompute([customerId])
      .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after contract failed'));
  });
}
