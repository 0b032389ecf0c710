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
