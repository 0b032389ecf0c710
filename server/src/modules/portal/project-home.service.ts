import { Types } from 'mongoose';
import type { FileRef, Page, ProjectHome, TimelineItemView } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { FileService } from '../files/file.service';
import type { ProjectDoc } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineEntryDoc, TimelineModel } from '../projects/timeline.model';
import type { TimelineItem, TimelineService } from '../projects/timeline.service';
import type { ProjectFacts } from './project-facts';

export type PhotoRefs = Pick<FileService, 'refs'>;

/** Photos on the home page: the newest few of the latest entries that carry any. */
const LATEST_PHOTOS = 8;
const PHOTO_SCAN_ENTRIES = 30;

export interface ProjectHomeDeps {
  projectAccess: ProjectAccess;
  timeline: TimelineService;
  timelineEntries: TimelineModel;
  facts: ProjectFacts;
  files: PhotoRefs;
}

/** Timeline items with their photo ids turned into refs the reader may see (one files query per page). */
export async function withPhotos(
  files: PhotoRefs,
  actor: Actor,
  items: TimelineItem[],
): Promise<TimelineItemView[]> {
  const ids = [...new Set(items.flatMap((i) => i.photoIds))];
  const refs = ids.length > 0 ? await files.refs(actor, ids) : [];
  const byId = new Map(refs.map((r) => [r.id, r]));
  return items.map(({ photoIds, ...item }) => ({
    ...item,
    photos: photoIds.flatMap((id) => byId.get(id) ?? []),
  }));
}

/**
 * The project home (summary, next milestone, open items, latest photos) and its timeline, for
 * every reader of the project. Customers get only customer-visible entries, counts and photos:
 * the timeline filters by role and files.refs drops internal photos.
 */
export class ProjectHomeService {
  constructor(private readonly deps: ProjectHomeDeps) {}

  async home(actor: Actor, projectId: string): Promise<ProjectHome> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const customerOnly = actor.role === 'customer';
    const [facts, openIssues, latestPhotos] = await Promise.all([
      this.deps.facts.milestones(project._id),
      this.deps.facts.countOpenIssues(project._id, customerOnly),
      this.latestPhotos(actor, project._id, customerOnly),
    ]);
    return {
      project: projectSummary(project),
      progress: facts.progress,
      scheduleVarianceDays: facts.scheduleVarianceDays,
      nextMilestone: facts.nextMilestone,
      openItems: { awaitingConfirmation: facts.awaitingConfirmation, openIssues },
      latestPhotos,
    };
  }

  async timeline(
    actor: Actor,
    projectId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<TimelineItemView>> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    return this.timelinePage(actor, projectId, page);
  }

  /** The page itself, for callers that checked access already (share links). */
  async timelinePage(
    actor: Actor,
    projectId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<TimelineItemView>> {
    const result = await this.deps.timeline.page(actor, projectId, page);
    return { items: await withPhotos(this.deps.files, actor, result.items), nextCursor: result.nextCursor };
  }

  private async latestPhotos(
    actor: Actor,
    projectId: Types.ObjectId,
    customerOnly: boolean,
  ): Promise<FileRef[]> {
    const filter: Record<string, unknown> = { projectId };
    if (customerOnly) filter.customerVisible = true;
    const entries = await this.deps.timelineEntries
      .find(filter, { photoIds: 1 })
      .sort({ _id: -1 })
      .limit(PHOTO_SCAN_ENTRIES)
      .lean<Array<Pick<TimelineEntryDoc, 'photoIds'>>>();
    const ids = [...new Set(entries.flatMap((e) => e.photoIds.map(String)))];
    if (ids.length === 0) return [];
    // Ask for a few more than shown: some may be internal and dropped for a customer.
    const refs = await this.deps.files.refs(actor, ids.slice(0, LATEST_PHOTOS * 3));
    return refs.slice(0, LATEST_PHOTOS);
  }
}

function projectSummary(p: ProjectDoc): ProjectHome['project'] {
  return {
    id: String(p._id),
    code: p.code,
    name: p.name,
    address: p.address,
    status: p.status,
    plannedStart: p.plannedStart.toISOString().slice(0, 10),
    plannedEnd: p.plannedEnd.toISOString().slice(0, 10),
    actualStart: p.actualStart ? p.actualStart.toISOString() : null,
    actualEnd: p.actualEnd ? p.actualEnd.toISOString() : null,
  };
}
