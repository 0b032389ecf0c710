import { z } from 'zod';

/**
 * Config `insights`: the health report's thresholds, the churn model's label and threshold, and
 * the anomaly rules' sensitivity. Every value has a default; tests shorten nothing here.
 */
export const insightsConfigSchema = z
  .object({
    health: z
      .object({
        /** A customer with no contact for this many days is "quiet". */
        quietDays: z.number().int().min(1).max(365).default(30),
        /** Ratings at or below this many stars are "low". */
        lowRatingMax: z.number().int().min(1).max(4).default(2),
        /** How far back the report looks for low ratings and tier changes. */
        lookbackDays: z.number().int().min(1).max(90).default(7),
      })
      .default({ quietDays: 30, lowRatingMax: 2, lookbackDays: 7 }),
    churn: z
      .object({
        /** Label: a customer churned when no contract was signed within this many months of their last project's end. */
        labelMonths: z.number().int().min(1).max(60).default(12),
        /** Fewer labelled customers than this (or one class only): no model, the answer says so. */
        minLabelled: z.number().int().min(10).default(30),
        /** At or above this probability a customer is flagged to their owner. */
        threshold: z.number().gt(0).lt(1).default(0.6),
        /** The largest training set (newest labelled customers first); bounds the fit's time. */
        maxTraining: z.number().int().min(100).default(5000),
      })
      .default({ labelMonths: 12, minLabelled: 30, threshold: 0.6, maxTraining: 5000 }),
    anomaly: z
      .object({
        /** |robust z| (0.6745 · (x − median) / MAD) above this is unusual. */
        robustZ: z.number().positive().default(3.5),
        /** Or more than this many times the customer's median. */
        customerMultiple: z.number().gt(1).default(5),
        /** History needed before comparing (fewer records: no flag). */
        minHistory: z.number().int().min(2).default(5),
        /** A refund this many hours after its payment (or sooner) is flagged. */
        refundSoonHours: z.number().positive().default(48),
        /** A change request whose cost delta is at least this share of the contract amount. */
        changeShareOfContract: z.number().gt(0).default(0.3),
      })
      .default({
        robustZ: 3.5,
        customerMultiple: 5,
        minHistory: 5,
        refundSoonHours: 48,
        changeShareOfContract: 0.3,
      }),
  })
  .default({
    health: { quietDays: 30, lowRatingMax: 2, lookbackDays: 7 },
    churn: { labelMonths: 12, minLabelled: 30, threshold: 0.6, maxTraining: 5000 },
    anomaly: {
      robustZ: 3.5,
      customerMultiple: 5,
      minHistory: 5,
      refundSoonHours: 48,
      changeShareOfContract: 0.3,
    },
  });
export type InsightsConfig = z.infer<typeof insightsConfigSchema>;
