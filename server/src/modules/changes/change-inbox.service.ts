import { Types } from 'mongoose';
import type { ChangeRequest, ChangeRequestInboxQuery, Page } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { cursorClause, listQuery, type ListFilter } from '../../core/pagination';
import type { MongoFilter, Policy } from '../../core/policy';
import { projectScope } from '../feedback/escalation.deadlines';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ChangeRequestDoc, ChangeRequestModel } from './change-request.model';
import { presentAcrossProjects, type ViewDeps } from './change-request.view';

export interface ChangeInboxDeps extends ViewDeps {
  changeRequests: ChangeRequestModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  policy: Policy;
}

/**
 * Change requests across every project the actor may read (the staff inbox), by status. Scoped by
 * the project rules, like the per-project list: admins, finance and service all projects; a PM the
 * ones they manage or are on; an engineer the ones they are on; a customer account its customer's.
 *
 * Oldest first (`_id` ascending, i.e. filing order): the inbox is a work queue whose response
 * clocks are running, so the requests that have waited longest must be on the first page rather
 * than behind pages of newer ones. The cursor is the last `_id` of the previous page.
 */
export class ChangeInboxService {
  constructor(private readonly deps: ChangeInboxDeps) {}

  async list(actor: Actor, query: ChangeRequestInboxQuery): Promise<Page<ChangeRequest>> {
    const narrow: MongoFilter = {};
    if (query.projectId) narrow.projectId = await this.readableProject(actor, query.projectId);
    if (query.status) narrow.status = { $in: query.status };
    const list = { scope: await projectScope(this.deps, actor), narrow };
    const page = await pageOldestFirst(this.deps.changeRequests, list, query);
    const projects = await this.projectsOf(page.items);
    const docs = page.items.filter((d) => projects.has(String(d.projectId)));
    const items = await presentAcrossProjects(this.deps, actor, docs, projects);
    // The outcome record is the truth: a request decided just now (its status step not yet run)
    // no longer belongs in a list of open ones. The cursor still follows the stored order.
    const wanted = query.status ? new Set<string>(query.status) : null;
    return { items: wanted ? items.filter((r) => wanted.has(r.status)) : items, nextCursor: page.nextCursor };
  }

  /** 404 like the per-project list for a project the actor may not read. */
  private async readableProject(actor: Actor, projectId: string): Promise<Types.ObjectId> {
    return (await this.deps.projectAccess.get(actor, projectId, 'read'))._id;
  }

  private async projectsOf(docs: ChangeRequestDoc[]): Promise<Map<string, ProjectDoc>> {
    if (docs.length === 0) return new Map();
    const ids = [...new Set(docs.map((d) => String(d.projectId)))].map((id) => new Types.ObjectId(id));
    const projects = await this.deps.projects.find({ _id: { $in: ids } }).lean<ProjectDoc[]>();
    return new Map(projects.map((p) => [String(p._id), p]));
  }
}

/** `paginateById`, oldest first: the inbox order (see above). */
async function pageOldestFirst(
  model: ChangeRequestModel,
  list: ListFilter,
  page: { cursor?: string; limit: number },
): Promise<{ items: ChangeRequestDoc[]; nextCursor: string | null }> {
  const after = cursorClause(page.cursor, 1);
  const query = after ? listQuery(list, after) : listQuery(list);
  const docs = await model
    .find(query)
    .sort({ _id: 1 })
    .limit(page.limit + 1)
    .lean<ChangeRequestDoc[]>();
  const items = docs.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: docs.length > page.limit && last ? String(last._id) : null };
}
