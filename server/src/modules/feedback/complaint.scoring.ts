import { Types } from 'mongoose';
import { OPEN_COMPLAINT_STATUSES } from '@gantry/shared';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { FACTS, type FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { ComplaintModel } from './complaint.model';

/** Complaints not yet closed (a resolution the customer has not accepted still counts), per customer. */
export async function openComplaintCounts(
  complaints: ComplaintModel,
  customerIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds.length === 0) return out;
  const rows = await complaints
    .find(
      {
        customerId: { $in: customerIds.map((id) => new Types.ObjectId(id)) },
        status: { $in: OPEN_COMPLAINT_STATUSES },
      },
      { customerId: 1 },
    )
    .lean<Array<{ customerId: Types.ObjectId }>>();
  for (const r of rows) out.set(String(r.customerId), (out.get(String(r.customerId)) ?? 0) + 1);
  return out;
}

/**
 * Open complaints as a customer-score factor: the provider, and a rescore of the customer when a
 * complaint opens or closes (the only moves that change the count).
 */
export function registerComplaintScoring(d: {
  complaints: ComplaintModel;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
  events: EventBus;
  logger: Logger;
}): void {
  d.facts.registerFactProvider(FACTS.openComplaints, (ids) => openComplaintCounts(d.complaints, ids));
  for (const name of ['complaint.opened', 'complaint.closed'])
    d.events.subscribe(name, async (event) => {
      const customerId = event.payload.customerId;
      if (!customerId) return;
      // A failed rescore must not fail the complaint; the nightly crm.rescore catches up.
      await d.scoring
        .recompute([customerId])
        .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after complaint failed'));
    });
}
