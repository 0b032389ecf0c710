import { z } from 'zod';
import { PROJECT_TYPES, daysBetween, type ProjectType } from '@gantry/shared';

/**
 * Milestone templates per project type, from config `projects.milestoneTemplates` (validated at
 * boot with the rest of the configuration). Config rather than an admin-edited collection: the
 * templates change rarely, belong to the firm's way of building, and are reviewed like code; a
 * project's milestones are editable once created, which covers the one-off cases.
 *
 * `span` is the item's relative share of the project's planned period (its planned dates are laid
 * end to end over it); `weight` is its share of the progress figure.
 */
const templateItemSchema = z.object({
  name: z.string().min(1).max(100),
  weight: z.number().int().min(1).max(100).default(1),
  span: z.number().int().min(1).max(1000).default(1),
});
export type MilestoneTemplateItem = z.infer<typeof templateItemSchema>;

export const projectsConfigSchema = z.object({
  /** Days a milestone may await the customer's confirmation before it is confirmed automatically. */
  autoConfirmDays: z.number().positive().max(365).default(7),
  milestoneTemplates: z.record(z.enum(PROJECT_TYPES), z.array(templateItemSchema).min(1).max(50)),
});
export type ProjectsConfig = z.infer<typeof projectsConfigSchema>;

export interface PlannedMilestone {
  seq: number;
  name: string;
  weight: number;
  plannedStart: string;
  plannedEnd: string;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The template of `type` laid over [plannedStart, plannedEnd]: each item gets a consecutive slice
 * proportional to its span (boundaries rounded to whole days; the last one ends on plannedEnd).
 */
export function planMilestones(
  templates: ProjectsConfig['milestoneTemplates'],
  type: ProjectType,
  plannedStart: string,
  plannedEnd: string,
): PlannedMilestone[] {
  const items = templates[type] ?? [];
  const totalSpan = items.reduce((sum, i) => sum + i.span, 0);
  const days = daysBetween(plannedStart, plannedEnd);
  let cumulative = 0;
  let start = plannedStart;
  return items.map((item, seq) => {
    cumulative += item.span;
    const end = addDays(plannedStart, Math.round((days * cumulative) / totalSpan));
    const planned = { seq, name: item.name, weight: item.weight, plannedStart: start, plannedEnd: end };
    start = end;
    return planned;
  });
}
