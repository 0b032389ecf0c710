import type { Types } from 'mongoose';
import type { PastProject } from '@gantry/shared';
import type { ProjectDoc, ProjectModel } from './project.model';

/** A customer's projects, newest first (the CRM shows them as past cooperation). */
export async function pastProjectsOf(
  projects: ProjectModel,
  customerId: Types.ObjectId | string,
  limit = 20,
): Promise<PastProject[]> {
  const docs = await projects.find({ customerId }).sort({ _id: -1 }).limit(limit).lean<ProjectDoc[]>();
  return docs.map((p) => ({
    id: String(p._id),
    code: p.code,
    name: p.name,
    status: p.status,
    plannedStart: p.plannedStart.toISOString(),
    plannedEnd: p.plannedEnd.toISOString(),
    actualEnd: p.actualEnd ? p.actualEnd.toISOString() : null,
  }));
}

/** Projects per customer planned to start since `since` (read-only; customer scoring counts them). */
export async function projectCountsSince(
  projects: ProjectModel,
  customerIds: Array<Types.ObjectId | string>,
  since: Date,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds.length === 0) return out;
  const docs = await projects
    .find({ customerId: { $in: customerIds }, plannedStart: { $gte: since } }, { customerId: 1 })
    .lean<Array<Pick<ProjectDoc, 'customerId'>>>();
  for (const p of docs) out.set(String(p.customerId), (out.get(String(p.customerId)) ?? 0) + 1);
  return out;
}
