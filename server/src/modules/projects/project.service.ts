import crypto from 'node:crypto';
import { Types } from 'mongoose';
import {
  dateOfCalendarDate,
  PROJECT_STATUS_LABELS,
  calendarDateOf,
  canMoveProject,
  type CreateProjectInput,
  type Page,
  type PastProject,
  type StaffRole,
  type ProjectListQuery,
  type ProjectView,
  type UpdateProjectInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { ConflictError, ValidationError, isDuplicateKeyError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import type { MongoFilter, Policy } from '../../core/policy';
import { planMilestones, type ProjectsConfig } from './milestone-templates';
import type { ProjectDoc, ProjectModel } from './project.model';
import { PROJECT, type ProjectAccess } from './project.policy';
import { dateOnly, projectViews, type ProjectViewDeps } from './project.view';

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

export interface ProjectServiceDeps extends ProjectViewDeps {
  projects: ProjectModel;
  policy: Policy;
  projectAccess: ProjectAccess;
  audit: AuditLog;
  templates: ProjectsConfig['milestoneTemplates'];
}

const generatedCode = (now: Date) =>
  `P${calendarDateOf(now).replace(/-/g, '')}-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;

/**
 * Projects: create (admin or PM; milestones instantiated from the type's template), list scoped by
 * the PROJECT policy and cursor-paged, read (404 when unreadable), edit by the PM or an admin with
 * status moves guarded by PROJECT_TRANSITIONS and audited.
 */
export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {}

  async create(actor: Actor, input: CreateProjectInput, requestId?: string): Promise<ProjectView> {
    const customer = await this.deps.customers.exists({ _id: input.customerId });
    if (!customer) throw fieldError('customerId', '客户不存在');
    const pmId = input.pmId === undefined ? (actor.role === 'pm' ? actor.id : null) : input.pmId;
    await this.assertStaff(pmId ? [pmId] : [], ['pm'], 'pmId');
    await this.assertStaff(input.engineerIds, ['engineer', 'pm'], 'engineerIds');
    const doc = await this.insertProject(input, pmId);
    const planned = planMilestones(this.deps.templates, input.type, input.plannedStart, input.plannedEnd);
    await retryTransient(() =>
      this.deps.milestones.insertMany(
        planned.map((m) => ({
          ...m,
          projectId: doc._id,
          plannedStart: dateOfCalendarDate(m.plannedStart),
          plannedEnd: dateOfCalendarDate(m.plannedEnd),
        })),
      ),
    );
    await this.deps.audit.record({
      actor,
      action: 'project.create',
      resource: PROJECT,
      resourceId: doc._id,
      after: { code: doc.code, type: doc.type, customerId: String(doc.customerId), status: doc.status },
      requestId,
    });
    return this.view(doc);
  }

  async list(actor: Actor, query: ProjectListQuery): Promise<Page<ProjectView>> {
    const narrow: MongoFilter = {};
    if (query.status) narrow.status = query.status;
    if (query.customerId) narrow.customerId = new Types.ObjectId(query.customerId);
    const scope = this.deps.policy.scope(actor, PROJECT);
    const page = await paginateById(this.deps.projects, { scope, narrow }, query, (d) => d as ProjectDoc);
    return { items: await projectViews(this.deps, page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<ProjectView> {
    return this.view(await this.deps.projectAccess.get(actor, id, 'read'));
  }

  async update(
    actor: Actor,
    id: string,
    patch: UpdateProjectInput,
    requestId?: string,
  ): Promise<ProjectView> {
    const project = await this.deps.projectAccess.get(actor, id, 'change');
    const set = await this.changes(project, patch);
    const updated = await this.deps.projects
      .findOneAndUpdate(
        { _id: project._id, status: project.status },
        { $set: set },
        { returnDocument: 'after' },
      )
      .lean<ProjectDoc>();
    if (!updated) throw new ConflictError('CONFLICT', '项目已被他人修改，请刷新后重试');
    await this.deps.audit.record({
      actor,
      action: patch.status && patch.status !== project.status ? 'project.status' : 'project.update',
      resource: PROJECT,
      resourceId: project._id,
      before: pick(project, Object.keys(set)),
      after: pick(updated, Object.keys(set)),
      requestId,
    });
    return this.view(updated);
  }

  private async changes(project: ProjectDoc, patch: UpdateProjectInput): Promise<Record<string, unknown>> {
    const set: Record<string, unknown> = {};
    for (const key of ['name', 'type', 'address'] as const)
      if (patch[key] !== undefined) set[key] = patch[key];
    if (patch.pmId !== undefined) {
      await this.assertStaff(patch.pmId ? [patch.pmId] : [], ['pm'], 'pmId');
      set.pmId = patch.pmId;
    }
    if (patch.engineerIds) {
      await this.assertStaff(patch.engineerIds, ['engineer', 'pm'], 'engineerIds');
      set.engineerIds = patch.engineerIds;
    }
    const start = patch.plannedStart ?? dateOnly(project.plannedStart);
    const end = patch.plannedEnd ?? dateOnly(project.plannedEnd);
    if (start > end) throw fieldError('plannedEnd', '计划竣工日期不能早于计划开工日期');
    if (patch.plannedStart) set.plannedStart = dateOfCalendarDate(patch.plannedStart);
    if (patch.plannedEnd) set.plannedEnd = dateOfCalendarDate(patch.plannedEnd);
    if (patch.status && patch.status !== project.status) {
      if (!canMoveProject(project.status, patch.status))
        throw new ConflictError(
          'CONFLICT',
          `项目状态不能从「${PROJECT_STATUS_LABELS[project.status]}」改为「${PROJECT_STATUS_LABELS[patch.status]}」`,
        );
      set.status = patch.status;
      if (patch.status === 'active' && !project.actualStart) set.actualStart = new Date();
      if (patch.status === 'completed' && !project.actualEnd) set.actualEnd = new Date();
    }
    return set;
  }

  private async insertProject(input: CreateProjectInput, pmId: string | null): Promise<ProjectDoc> {
    for (let attempt = 0; ; attempt += 1) {
      const code = input.code ?? generatedCode(new Date());
      try {
        const doc = await retryTransient(() =>
          this.deps.projects.create({
            ...input,
            code,
            pmId,
            plannedStart: dateOfCalendarDate(input.plannedStart),
            plannedEnd: dateOfCalendarDate(input.plannedEnd),
          }),
        );
        return doc.toObject();
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        if (input.code || attempt >= 3) throw new ConflictError('DUPLICATE', '项目编号已存在');
      }
    }
  }

  /** Every id must be an active staff user with one of `roles`. */
  private async assertStaff(ids: string[], roles: StaffRole[], field: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const found = await this.deps.staffUsers.countDocuments({
      _id: { $in: unique },
      role: { $in: roles },
      active: true,
    });
    if (found !== unique.length) throw fieldError(field, '指定的人员不存在或角色不符');
  }

  private async view(doc: ProjectDoc): Promise<ProjectView> {
    const [view] = await projectViews(this.deps, [doc]);
    return view as ProjectView;
  }
}

function fieldError(field: string, message: string): ValidationError {
  return new ValidationError([{ path: `body.${field}`, message }], message);
}

function pick(doc: object, keys: string[]): Record<string, unknown> {
  const rec = doc as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, rec[k]]));
}
