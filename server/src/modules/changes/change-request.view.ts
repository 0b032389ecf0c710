import type { Types } from 'mongoose';
import {
  CHANGE_REQUEST_STATUS_LABELS,
  type ChangeImpact,
  type ChangeRequest,
  type FileRef,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { FileService } from '../files/file.service';
import type { ProjectDoc } from '../projects/project.model';
import type {
  ChangeOutcomeDoc,
  ChangeOutcomeModel,
  ChangeQuote,
  ChangeRequestDoc,
} from './change-request.model';
import type { ContractTotals } from './contract-totals';

const DAY_MS = 86_400_000;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A stored calendar date (UTC midnight) as YYYY-MM-DD. */
export const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (date: string, days: number) =>
  dateOnly(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS));

export interface ViewDeps {
  changeOutcomes: ChangeOutcomeModel;
  files: Pick<FileService, 'refs'>;
  contractTotals: ContractTotals;
}

/** The live impact of a quote on the project as it stands now. */
export async function liveImpact(
  contractTotals: ContractTotals,
  project: Pick<ProjectDoc, '_id' | 'plannedEnd'>,
  quote: { costDelta: number; scheduleDeltaDays: number },
): Promise<ChangeImpact> {
  const currentTotal = await contractTotals.currentTotal(String(project._id));
  const currentCompletion = dateOnly(project.plannedEnd);
  return {
    currentTotal,
    newTotal: currentTotal === null ? null : currentTotal + quote.costDelta,
    currentCompletion,
    newCompletion: addDays(currentCompletion, quote.scheduleDeltaDays),
  };
}

/**
 * Change requests as the API answers them. The outcome record, when there is one, is the truth
 * (its status step may not have run yet after a crash). A quoted request shows the live before/after
 * total and completion date; a decided one the figures the customer decided on.
 */
export async function presentChangeRequests(
  deps: ViewDeps,
  actor: Actor,
  docs: ChangeRequestDoc[],
  project: ProjectDoc,
  now = new Date(),
): Promise<ChangeRequest[]> {
  return presentAcrossProjects(deps, actor, docs, new Map([[String(project._id), project]]), now);
}

/** The same for requests of several projects (the inbox); `projects` holds each request's project. */
export async function presentAcrossProjects(
  deps: ViewDeps,
  actor: Actor,
  docs: ChangeRequestDoc[],
  projects: ReadonlyMap<string, ProjectDoc>,
  now = new Date(),
): Promise<ChangeRequest[]> {
  if (docs.length === 0) return [];
  const outcomes = await deps.changeOutcomes
    .find({ changeRequestId: { $in: docs.map((d) => d._id) } })
    .lean<ChangeOutcomeDoc[]>();
  const byRequest = new Map(outcomes.map((o) => [String(o.changeRequestId), o]));
  const refs = await deps.files.refs(
    actor,
    docs.flatMap((d) => d.photoIds.map(String)),
  );
  const photo = new Map(refs.map((r) => [r.id, r]));
  const bases = await liveBases(deps.contractTotals, docs, byRequest, projects);
  return docs.map((d) => {
    const projectId = String(d.projectId);
    const outcome = byRequest.get(String(d._id)) ?? null;
    const photos = d.photoIds.flatMap((id: Types.ObjectId) => photo.get(String(id)) ?? []);
    const impact = impactOf(d, outcome, bases.get(projectId) ?? null);
    return toView(d, projects.get(projectId)!, outcome, impact, photos, now);
  });
}

/** The live figures of a project's open quotes share its current total: read it once per project. */
async function liveBases(
  contractTotals: ContractTotals,
  docs: ChangeRequestDoc[],
  byRequest: Map<string, ChangeOutcomeDoc>,
  projects: ReadonlyMap<string, ProjectDoc>,
): Promise<Map<string, ChangeImpact>> {
  const quoted = new Set(
    docs.filter((d) => d.quote && !byRequest.has(String(d._id))).map((d) => String(d.projectId)),
  );
  const none = { costDelta: 0, scheduleDeltaDays: 0 };
  const entries = await Promise.all(
    [...quoted].map(async (id) => [id, await liveImpact(contractTotals, projects.get(id)!, none)] as const),
  );
  return new Map(entries);
}

function toView(
  d: ChangeRequestDoc,
  project: ProjectDoc,
  outcome: ChangeOutcomeDoc | null,
  impact: ChangeImpact | null,
  photos: FileRef[],
  now: Date,
): ChangeRequest {
  const status = outcome?.outcome ?? d.status;
  return {
    id: String(d._id),
    projectId: String(d.projectId),
    projectName: project.name,
    customerId: String(d.customerId),
    title: d.title,
    description: d.description,
    wishedDate: d.wishedDate,
    status,
    statusLabel: CHANGE_REQUEST_STATUS_LABELS[status],
    requestedBy: d.requestedBy,
    submittedAt: d.submittedAt.toISOString(),
    acknowledgedAt: iso(d.acknowledgedAt),
    acknowledgedBy: d.acknowledgedBy,
    acknowledgeNote: d.acknowledgeNote,
    firstResponseSeconds: d.firstResponseSeconds,
    quote: d.quote ? quoteView(d.quote, now) : null,
    impact,
    outcome: outcome ? outcomeView(outcome) : null,
    photos,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

function quoteView(q: ChangeQuote, now: Date) {
  return {
    version: q.version,
    costDelta: q.costDelta,
    scheduleDeltaDays: q.scheduleDeltaDays,
    note: q.note,
    validUntil: q.validUntilDate,
    expired: q.validUntil.getTime() <= now.getTime(),
    affectedFromMilestoneId: q.affectedFromMilestoneId ? String(q.affectedFromMilestoneId) : null,
    quotedBy: q.quotedBy,
    quotedAt: q.quotedAt.toISOString(),
  };
}

function impactOf(
  d: ChangeRequestDoc,
  outcome: ChangeOutcomeDoc | null,
  base: ChangeImpact | null,
): ChangeImpact | null {
  if (outcome?.quote) {
    const q = outcome.quote;
    return {
      currentTotal: q.currentTotal,
      newTotal: q.newTotal,
      currentCompletion: q.currentCompletion,
      newCompletion: q.newCompletion,
    };
  }
  if (outcome || !d.quote || !base) return null;
  return {
    currentTotal: base.currentTotal,
    newTotal: base.currentTotal === null ? null : base.currentTotal + d.quote.costDelta,
    currentCompletion: base.currentCompletion,
    newCompletion: addDays(base.currentCompletion, d.quote.scheduleDeltaDays),
  };
}

function outcomeView(o: ChangeOutcomeDoc) {
  const done = new Set(o.done);
  return {
    outcome: o.outcome,
    by: o.by,
    at: o.at.toISOString(),
    comment: o.comment,
    quoteVersion: o.quote?.version ?? null,
    effectsPending: o.steps.filter((s) => !done.has(s)),
    effectsDone: o.steps.filter((s) => done.has(s)),
  };
}
