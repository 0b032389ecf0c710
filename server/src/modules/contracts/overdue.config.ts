import { z } from 'zod';

/** Who each rung of the overdue ladder tells; the notification config maps the event to recipients. */
export const OVERDUE_EVENTS = [
  'invoice.overdue',
  'invoice.overdue_staff',
  'invoice.overdue_manager',
] as const;
export type OverdueEvent = (typeof OVERDUE_EVENTS)[number];

/**
 * Config `overdue`: the escalation ladder. A rung fires once per invoice when the invoice has been
 * overdue for `day` days (Asia/Shanghai calendar days after the due date): by default a polite
 * reminder to the customer, then the sales owner and finance, then the owner's manager (twice).
 */
export const overdueConfigSchema = z
  .object({
    ladder: z
      .array(z.object({ day: z.number().int().min(1), event: z.enum(OVERDUE_EVENTS) }))
      .min(1)
      .refine((l) => l.every((r, i) => i === 0 || r.day > l[i - 1]!.day), 'rungs must be in increasing days')
      .default([
        { day: 1, event: 'invoice.overdue' },
        { day: 7, event: 'invoice.overdue_staff' },
        { day: 15, event: 'invoice.overdue_manager' },
        { day: 30, event: 'invoice.overdue_manager' },
      ]),
    /** Invoices handled per job run and query. */
    batch: z.number().int().min(1).max(5000).default(500),
  })
  .prefault({});

export type OverdueConfig = z.infer<typeof overdueConfigSchema>;
