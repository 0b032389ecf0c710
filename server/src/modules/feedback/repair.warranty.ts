import type { ProjectDoc } from '../projects/project.model';

/** Project statuses in which its customer may file a repair: handed over (in or after warranty). */
export const REPAIRABLE_PROJECT_STATUSES = ['warranty', 'closed'];

/**
 * Fields a project may carry about its warranty. Contracts (a later issue) will own the warranty
 * length; until then the project's own `warrantyMonths` wins over config `defaultWarrantyMonths`,
 * and an explicit `warrantyEndsAt` wins over both.
 */
type WarrantyFields = Partial<{
  warrantyEndsAt: Date | null;
  warrantyMonths: number | null;
  handedOverAt: Date | null;
}>;

function addMonthsUtc(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay)); // 31 Jan + 1 month = 28/29 Feb, not 3 March
  return d;
}

/** When the warranty ends: handover (or the actual, else planned, end of works) + its months. */
export function warrantyEndOf(project: ProjectDoc & WarrantyFields, defaultMonths: number): Date {
  if (project.warrantyEndsAt) return new Date(project.warrantyEndsAt);
  const start = project.handedOverAt ?? project.actualEnd ?? project.plannedEnd;
  return addMonthsUtc(new Date(start), project.warrantyMonths ?? defaultMonths);
}
