import type { Types } from 'mongoose';
import {
  MILESTONE_STATUS_LABELS,
  calendarDateOf,
  type FileRef,
  type MilestoneConfirmation,
  type MilestoneDecisionResult,
  type MilestoneDetail,
  type MilestoneEvidence,
  type MilestoneView,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { AttachTarget } from '../files/file.service';
import type { MilestoneDecisionDoc, MilestoneDoc, MilestoneRoundDoc } from './milestone.model';
import { dateOnly } from './project.view';

/** What milestones need of the files module (FileService satisfies it). */
export interface MilestonePhotos {
  attach(actor: Actor, fileIds: string[], target: AttachTarget): Promise<FileRef[]>;
  refs(actor: Actor, fileIds: string[]): Promise<FileRef[]>;
}

type PhotoMap = Map<string, FileRef>;
const photosOf = (ids: Types.ObjectId[], photos: PhotoMap) =>
  ids.flatMap((id) => photos.get(String(id)) ?? []);

const evidence = (r: MilestoneRoundDoc, photos: PhotoMap): MilestoneEvidence => ({
  round: r.round,
  note: r.note,
  photos: photosOf(r.photoIds, photos),
  submittedBy: r.by,
  submittedAt: r.at.toISOString(),
});

const confirmation = (d: MilestoneDecisionDoc, photos: PhotoMap): MilestoneConfirmation => ({
  round: d.round,
  decision: d.decision,
  comment: d.comment,
  photos: photosOf(d.photoIds, photos),
  by: d.by,
  at: d.at.toISOString(),
  automatic: d.automatic,
});

/** The photos of these rounds and decisions that the actor may see, by id (one files query). */
export async function photoMap(
  files: MilestonePhotos,
  actor: Actor,
  records: Array<{ photoIds: Types.ObjectId[] }>,
): Promise<PhotoMap> {
  const ids = [...new Set(records.flatMap((r) => r.photoIds.map(String)))];
  if (ids.length === 0) return new Map();
  return new Map((await files.refs(actor, ids)).map((ref) => [ref.id, ref]));
}

export function milestoneView(
  m: MilestoneDoc,
  current: { round?: MilestoneRoundDoc; decision?: MilestoneDecisionDoc },
  photos: PhotoMap,
  autoConfirmMs: number,
): MilestoneView {
  return {
    id: String(m._id),
    projectId: String(m.projectId),
    seq: m.seq,
    name: m.name,
    weight: m.weight,
    status: m.status,
    statusLabel: MILESTONE_STATUS_LABELS[m.status],
    plannedStart: dateOnly(m.plannedStart),
    plannedEnd: dateOnly(m.plannedEnd),
    actualStart: m.actualStart ? calendarDateOf(m.actualStart) : null,
    actualEnd: m.actualEnd ? calendarDateOf(m.actualEnd) : null,
    round: m.round,
    evidence: current.round ? evidence(current.round, photos) : null,
    confirmation: current.decision ? confirmation(current.decision, photos) : null,
    autoConfirmAt:
      m.status === 'awaiting_confirmation' && m.submittedAt
        ? new Date(m.submittedAt.getTime() + autoConfirmMs).toISOString()
        : null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function milestoneDetail(
  m: MilestoneDoc,
  rounds: MilestoneRoundDoc[],
  decisions: MilestoneDecisionDoc[],
  photos: PhotoMap,
  autoConfirmMs: number,
): MilestoneDetail {
  const decisionOf = (round: number) => decisions.find((d) => d.round === round);
  const view = milestoneView(
    m,
    { round: rounds.find((r) => r.round === m.round), decision: decisionOf(m.decidedRound) },
    photos,
    autoConfirmMs,
  );
  return {
    ...view,
    rounds: rounds.map((r) => {
      const d = decisionOf(r.round);
      return {
        round: r.round,
        evidence: evidence(r, photos),
        confirmation: d ? confirmation(d, photos) : null,
      };
    }),
  };
}

export function decisionResult(d: MilestoneDecisionDoc): MilestoneDecisionResult {
  return {
    milestoneId: String(d.milestoneId),
    projectId: String(d.projectId),
    round: d.round,
    decision: d.decision,
    status: d.decision === 'confirm' ? 'confirmed' : 'in_progress',
    comment: d.comment,
    photoIds: d.photoIds.map(String),
    by: d.by,
    automatic: d.automatic,
    at: d.at.toISOString(),
  };
}
