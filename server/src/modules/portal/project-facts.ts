import { Types } from 'mongoose';
import { projectProgress, scheduleVarianceDays, calendarDateOf, type MilestoneBrief } from '@gantry/shared';
import type { MilestoneDoc, MilestoneModel } from '../projects/milestone.model';
import { dateOnly, progressInputs } from '../projects/project.view';
import type { SiteIssueDoc, SiteIssueModel } from '../site/site-issue.model';

/** A project has a few dozen milestones at most; the cap keeps the read bounded all the same. */
const MAX_MILESTONES = 200;
const OPEN_ISSUE_STATUSES = ['open', 'in_progress'];

export interface MilestoneFacts {
  progress: number;
  scheduleVarianceDays: number | null;
  nextMilestone: MilestoneBrief | null;
  milestones: MilestoneBrief[];
  awaitingConfirmation: number;
}

export interface OpenIssue {
  id: string;
  title: string;
  severity: string;
}

export function toBrief(m: MilestoneDoc): MilestoneBrief {
  return {
    id: String(m._id),
    name: m.name,
    status: m.status,
    plannedEnd: dateOnly(m.plannedEnd),
    actualEnd: m.actualEnd ? calendarDateOf(m.actualEnd) : null,
  };
}

/**
 * What the portal pages need to know about a project's milestones and site issues, read from the
 * projects and site modules' models. Progress and variance go through the projects module's own
 * inputs and the shared definitions, so the portal and the project view always agree.
 */
export class ProjectFacts {
  constructor(
    private readonly deps: { milestones: MilestoneModel; siteIssues: SiteIssueModel; now?: () => Date },
  ) {}

  async milestoneDocs(projectId: string | Types.ObjectId): Promise<MilestoneDoc[]> {
    return this.deps.milestones
      .find({ projectId: new Types.ObjectId(String(projectId)) })
      .sort({ seq: 1 })
      .limit(MAX_MILESTONES)
      .lean<MilestoneDoc[]>();
  }

  async milestones(projectId: string | Types.ObjectId): Promise<MilestoneFacts> {
    const docs = await this.milestoneDocs(projectId);
    const inputs = progressInputs(docs);
    const next = docs.find((m) => m.status !== 'confirmed');
    return {
      progress: projectProgress(inputs),
      scheduleVarianceDays: scheduleVarianceDays(inputs, calendarDateOf(this.now())),
      nextMilestone: next ? toBrief(next) : null,
      milestones: docs.map(toBrief),
      awaitingConfirmation: docs.filter((m) => m.status === 'awaiting_confirmation').length,
    };
  }

  /** Open (or being handled) site issues; customers count only the ones shown to them. */
  async openIssues(
    projectId: string | Types.ObjectId,
    customerOnly: boolean,
    limit = 50,
  ): Promise<OpenIssue[]> {
    const filter: Record<string, unknown> = {
      projectId: new Types.ObjectId(String(projectId)),
      status: { $in: OPEN_ISSUE_STATUSES },
    };
    if (customerOnly) filter.customerVisible = true;
    const docs = await this.deps.siteIssues
      .find(filter, { title: 1, severity: 1 })
      .sort({ _id: -1 })
      .limit(limit)
      .lean<Array<Pick<SiteIssueDoc, '_id' | 'title' | 'severity'>>>();
    return docs.map((d) => ({ id: String(d._id), title: d.title, severity: d.severity }));
  }

  async countOpenIssues(projectId: string | Types.ObjectId, customerOnly: boolean): Promise<number> {
    const filter: Record<string, unknown> = {
      projectId: new Types.ObjectId(String(projectId)),
      status: { $in: OPEN_ISSUE_STATUSES },
    };
    if (customerOnly) filter.customerVisible = true;
    return this.deps.siteIssues.countDocuments(filter);
  }

  now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }
}
