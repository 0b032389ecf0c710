import { Types } from 'mongoose';
import {
  COMPLAINT_CATEGORY_LABELS,
  COMPLAINT_STATUS_LABELS,
  type Complaint,
  type FeedbackDeadline,
  type FileRef,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { FileService } from '../files/file.service';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ComplaintDoc } from './complaint.model';
import { iso, isOverdue } from './escalation.deadlines';
import type { EscalationEntry } from './escalation.model';

/** In which statuses each deadline of a complaint runs. */
export const COMPLAINT_DEADLINES: Record<FeedbackDeadline, readonly string[]> = {
  response: ['open'],
  resolution: ['open', 'acknowledged'],
};

export const toEscalation = (e: EscalationEntry) => ({
  deadline: e.deadline,
  round: e.round,
  at: e.at.toISOString(),
  managerId: e.managerId ?? null,
});

/** Project names and the photos the actor may see, each fetched once for the whole page. */
export async function lookups(
  deps: { projects: ProjectModel; files: Pick<FileService, 'refs'> },
  actor: Actor,
  projectIds: Types.ObjectId[],
  fileIds: Types.ObjectId[],
) {
  const unique = [...new Set(projectIds.map(String))].map((id) => new Types.ObjectId(id));
  const [projects, refs] = await Promise.all([
    unique.length
      ? deps.projects
          .find({ _id: { $in: unique } }, { name: 1 })
          .lean<Array<Pick<ProjectDoc, '_id' | 'name'>>>()
      : [],
    fileIds.length ? deps.files.refs(actor, fileIds.map(String)) : ([] as FileRef[]),
  ]);
  const names = new Map(projects.map((p) => [String(p._id), p.name]));
  const byId = new Map(refs.map((r) => [r.id, r]));
  return {
    projectName: (id: Types.ObjectId) => names.get(String(id)) ?? null,
    photos: (ids: Types.ObjectId[]) => ids.flatMap((id) => byId.get(String(id)) ?? []),
  };
}

export async function presentComplaints(
  deps: { projects: ProjectModel; files: Pick<FileService, 'refs'> },
  actor: Actor,
  docs: ComplaintDoc[],
  now: Date,
): Promise<Complaint[]> {
  const look = await lookups(
    deps,
    actor,
    docs.map((d) => d.projectId),
    docs.flatMap((d) => [...d.photoIds, ...(d.resolutionPhotoIds ?? [])]),
  );
  return docs.map((d) => ({
    id: String(d._id),
    projectId: String(d.projectId),
    projectName: look.projectName(d.projectId),
    customerId: String(d.customerId),
    category: d.category,
    categoryLabel: COMPLAINT_CATEGORY_LABELS[d.category],
    description: d.description,
    status: d.status,
    statusLabel: COMPLAINT_STATUS_LABELS[d.status],
    round: d.round,
    raisedBy: { id: d.raisedBy.id, name: d.raisedBy.name, kind: d.raisedBy.kind },
    openedAt: d.openedAt.toISOString(),
    responseDueAt: d.responseDueAt.toISOString(),
    resolutionDueAt: d.resolutionDueAt.toISOString(),
    overdue: isOverdue(d, COMPLAINT_DEADLINES, now),
    acknowledgedAt: iso(d.acknowledgedAt),
    acknowledgedBy: d.acknowledgedBy ?? null,
    acknowledgeNote: d.acknowledgeNote ?? null,
    resolution: d.resolution ?? null,
    resolvedAt: iso(d.resolvedAt),
    resolvedBy: d.resolvedBy ?? null,
    closedAt: iso(d.closedAt),
    reopenReason: d.reopenReason ?? null,
    escalations: (d.escalations ?? []).map(toEscalation),
    photos: look.photos(d.photoIds),
    resolutionPhotos: look.photos(d.resolutionPhotoIds ?? []),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}
