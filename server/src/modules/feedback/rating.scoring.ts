import { Types } from 'mongoose';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { FACTS, type FactRegistry } from '../crm/scoring/customer-facts';
import type { ScoringService } from '../crm/scoring/scoring.service';
import type { RatingDoc, RatingModel } from './rating.model';

/** Satisfaction looks at the last two years of ratings. */
const WINDOW_MS = 730 * 86_400_000;

/** The average overall rating (1–5, two decimals) per customer; customers without ratings are absent (read 0). */
export async function averageSatisfaction(
  ratings: RatingModel,
  customerIds: string[],
  now = new Date(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds.length === 0) return out;
  const rows = await ratings
    .find(
      {
        customerId: { $in: customerIds.map((id) => new Types.ObjectId(id)) },
        createdAt: { $gte: new Date(now.getTime() - WINDOW_MS) },
      },
      { customerId: 1, overall: 1 },
    )
    .lean<Array<Pick<RatingDoc, 'customerId' | 'overall'>>>();
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const s = sums.get(String(r.customerId)) ?? { sum: 0, n: 0 };
    sums.set(String(r.customerId), { sum: s.sum + r.overall, n: s.n + 1 });
  }
  for (const [id, s] of sums) out.set(id, Math.round((s.sum / s.n) * 100) / 100);
  return out;
}

/** Average satisfaction as a customer-score factor, and a rescore of the customer on every rating saved. */
export function registerRatingScoring(d: {
  ratings: RatingModel;
  facts: FactRegistry;
  scoring: Pick<ScoringService, 'recompute'>;
  events: EventBus;
  logger: Logger;
}): void {
  d.facts.registerFactProvider(FACTS.avgSatisfaction, (ids) => averageSatisfaction(d.ratings, ids));
  d.events.subscribe('rating.submitted', async (event) => {
    const customerId = event.payload.customerId;
    if (!customerId) return;
    // A failed rescore must not fail the rating; the nightly crm.rescore catches up.
    await d.scoring
      .recompute([customerId])
      .catch((err: unknown) => d.logger.error({ err, customerId }, 'rescore after rating failed'));
  });
}
