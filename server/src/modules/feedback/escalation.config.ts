import { z } from 'zod';
import { REPAIR_PRIORITIES } from '@gantry/shared';

const hours = z
  .number()
  .positive()
  .max(24 * 90);

/**
 * Deadlines of complaints and warranty repairs (config `feedback`). Hours may be fractional. The
 * warranty length belongs to the contract; until contracts exist a project's `warrantyMonths`
 * (if set) wins over `defaultWarrantyMonths`.
 */
export const feedbackConfigSchema = z
  .object({
    complaint: z
      .object({
        responseHours: hours.default(8),
        resolutionHours: hours.default(72),
      })
      .prefault({}),
    repair: z
      .object({
        responseHours: hours.default(8),
        resolutionHours: z
          .record(z.enum(REPAIR_PRIORITIES), hours)
          .default({ urgent: 24, high: 48, normal: 72, low: 168 }),
        defaultWarrantyMonths: z.number().int().min(0).max(240).default(24),
      })
      .prefault({}),
    /** Breaches the escalation job handles per run; the next run takes the rest. */
    escalationBatch: z.number().int().min(1).max(5000).default(500),
  })
  .prefault({});

export type FeedbackConfig = z.infer<typeof feedbackConfigSchema>;
