import { Types } from 'mongoose';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { FACTS, type FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { ContractModel } from './contract.model';

const YEAR_MS = 365 * 86_400_000;

/** Fen of active contracts signed in the last 12 months, amendments included, per customer. */
export async function annualContractValues(
  contracts: ContractModel,
  customerIds: string[],
  now: Date = new Date(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds.length === 0) return out;
  const rows = await contracts
    .find(
      {
        customerId: { $in: customerIds.map((id) => new Types.ObjectId(id)) },
        status: 'active',
        signedDate: { $gte: new Date(now.getTime() - YEAR_MS) },
      },
      { customerId: 1, amount: 1 },
    )
    .lean();
  for (const r of rows) out.set(String(r.customerId), (out.get(String(r.customerId)) ?? 0) + r.amount);
  return out;
}

/**
 * The "annual contract value" score factor now reads real contracts (replacing the CRM's estimate
 * from signed opportunities); the customer is rescored when a contract becomes active.
 */
export function registerContractScoring(d: {
  contracts: ContractModel;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
  events: EventBus;
  logger: Logger;
}): void {
  d.facts.registerFactProvider(FACTS.annualContractValue, (ids) => annualContractValues(d.contracts, ids));
  d.events.subscribe('contract.approved', async (event) => {
    const customerId = event.payload.customerId;
    if (typeof customerId !== 'string') return;
    // A failed rescore must not fail the approval; the nightly crm.rescore catches up.
    await d.scoring
      .recompute([customerId])
      .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after contract failed'));
  });
}
