import {
  REPAIR_STATUS_LABELS,
  UNFIXED_REPAIR_STATUSES,
  type FeedbackDeadline,
  type Repair,
} from '@gantry/shared';
import type { FileService } from '../files/file.service';
import type { EventPayload } from '../../core/events';
import type { Actor } from '../../core/auth/actor';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { TimelineInput } from '../projects/timeline.service';
import { lookups, toEscalation } from './complaint.present';
import { iso, isOverdue, short } from './escalation.deadlines';
import type { RepairDoc } from './repair.model';

/** In which statuses each deadline of a repair runs: a response (triage or visit) and the fix. */
export const REPAIR_DEADLINES: Record<FeedbackDeadline, readonly string[]> = {
  response: ['submitted', 'reopened'],
  resolution: UNFIXED_REPAIR_STATUSES,
};

export async function presentRepairs(
  deps: { projects: ProjectModel; files: Pick<FileService, 'refs'> },
  actor: Actor,
  docs: RepairDoc[],
  now: Date,
): Promise<Repair[]> {
  const look = await lookups(
    deps,
    actor,
    docs.map((d) => d.projectId),
    docs.flatMap((d) => [...d.photoIds, ...(d.fixPhotoIds ?? [])]),
  );
  return docs.map((d) => ({
    id: String(d._id),
    projectId: String(d.projectId),
    projectName: look.projectName(d.projectId),
    customerId: String(d.customerId),
    description: d.description,
    location: d.location,
    status: d.status,
    statusLabel: REPAIR_STATUS_LABELS[d.status],
    round: d.round,
    chargeable: d.chargeable,
    warrantyEndsAt: iso(d.warrantyEndsAt),
    raisedBy: { id: d.raisedBy.id, name: d.raisedBy.name, kind: d.raisedBy.kind },
    filedAt: d.filedAt.toISOString(),
    responseDueAt: d.responseDueAt.toISOString(),
    resolutionDueAt: d.resolutionDueAt.toISOString(),
    overdue: isOverdue(d, REPAIR_DEADLINES, now),
    priority: d.priority ?? null,
    assignee: d.assignee ?? null,
    triagedAt: iso(d.triagedAt),
    visitAt: iso(d.visitAt),
    fixNote: d.fixNote ?? null,
    fixedAt: iso(d.fixedAt),
    fixedBy: d.fixedBy ?? null,
    confirmedAt: iso(d.confirmedAt),
    rating: d.rating ?? null,
    ratingComment: d.ratingComment ?? null,
    reopenReason: d.reopenReason ?? null,
    cancelReason: d.cancelReason ?? null,
    escalations: (d.escalations ?? []).map(toEscalation),
    photos: look.photos(d.photoIds),
    fixPhotos: look.photos(d.fixPhotoIds ?? []),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}

/** What `repair.*` events carry: the audience (customer, PM, assignee) and the template fields. */
export function repairEventPayload(doc: RepairDoc, project: ProjectDoc): EventPayload {
  return {
    customerId: String(doc.customerId),
    pmId: project.pmId ? String(project.pmId) : undefined,
    staffIds: doc.assignee ? [doc.assignee.id] : [],
    repairId: String(doc._id),
    projectId: String(doc.projectId),
    projectName: project.name,
    location: short(doc.location),
    subject: short(doc.description),
    visitAt: doc.visitAt ? doc.visitAt.toISOString() : null,
    assigneeName: doc.assignee?.name ?? '',
    chargeable: doc.chargeable,
    chargeableLabel: doc.chargeable ? '（已过质保期，需收费）' : '',
    status: doc.status,
    round: doc.round,
  };
}

/** The timeline entry of a filed (`repair:<id>`) or fixed (`repair.fixed:<id>:<round>`) repair. */
export function repairTimelineEntry(doc: RepairDoc, actor: Actor): TimelineInput {
  const fixed = doc.status === 'fixed';
  return {
    key: fixed ? `repair.fixed:${String(doc._id)}:${doc.round}` : `repair:${String(doc._id)}`,
    projectId: doc.projectId,
    kind: 'repair',
    refId: doc._id,
    occurredAt: fixed && doc.fixedAt ? doc.fixedAt : doc.filedAt,
    customerVisible: true,
    title: fixed ? `维修完成：${short(doc.location)}` : `报修：${short(doc.location)}`,
    summary: fixed ? (doc.fixNote ?? '') : doc.description,
    photoIds: fixed ? doc.fixPhotoIds : doc.photoIds,
    actor: { id: actor.id, name: actor.name },
  };
}
