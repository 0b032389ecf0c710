import type { Types } from 'mongoose';
import {
  PROJECT_STATUS_LABELS,
  PROJECT_TYPE_LABELS,
  calendarDateOf,
  projectProgress,
  scheduleVarianceDays,
  type MilestoneProgressInput,
  type PersonRef,
  type ProjectView,
} from '@gantry/shared';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerModel } from '../crm/customer.model';
import type { MilestoneDoc, MilestoneModel } from './milestone.model';
import type { ProjectDoc } from './project.model';

export interface ProjectViewDeps {
  customers: CustomerModel;
  staffUsers: StaffUserModel;
  milestones: MilestoneModel;
}

/** Planned dates are calendar dates stored as UTC midnight. */
export const dateOnly = (d: Date): string => d.toISOString().slice(0, 10);
const actualDate = (d: Date | null): string | null => (d ? calendarDateOf(d) : null);

export function progressInputs(milestones: MilestoneDoc[]): MilestoneProgressInput[] {
  return milestones.map((m) => ({
    status: m.status,
    weight: m.weight,
    plannedEnd: dateOnly(m.plannedEnd),
    actualEnd: actualDate(m.actualEnd),
  }));
}

async function namesOf(
  model: CustomerModel | StaffUserModel,
  ids: Types.ObjectId[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const docs = await (model as StaffUserModel)
    .find({ _id: { $in: ids } }, { name: 1 })
    .lean<Array<{ _id: Types.ObjectId; name: string }>>();
  return new Map(docs.map((d) => [String(d._id), d.name]));
}

/**
 * Project views for a page of projects: three bounded queries (customer names, staff names, the
 * projects' milestones) whatever the page size, then progress, schedule variance and the next
 * milestone computed here (FerretDB v1 has no $lookup).
 */
export async function projectViews(
  deps: ProjectViewDeps,
  projects: ProjectDoc[],
  now = new Date(),
): Promise<ProjectView[]> {
  if (projects.length === 0) return [];
  const staffIds = projects.flatMap((p) => [...(p.pmId ? [p.pmId] : []), ...p.engineerIds]);
  const [customers, staff, milestones] = await Promise.all([
    namesOf(
      deps.customers,
      projects.map((p) => p.customerId),
    ),
    namesOf(deps.staffUsers, staffIds),
    deps.milestones
      .find({ projectId: { $in: projects.map((p) => p._id) } })
      .sort({ seq: 1, _id: 1 })
      .lean<MilestoneDoc[]>(),
  ]);
  const person = (id: Types.ObjectId, names: Map<string, string>): PersonRef => ({
    id: String(id),
    name: names.get(String(id)) ?? '',
  });
  const today = calendarDateOf(now);
  return projects.map((p) => {
    const own = milestones.filter((m) => String(m.projectId) === String(p._id));
    const next = own.find((m) => m.status !== 'confirmed') ?? null;
    return {
      id: String(p._id),
      code: p.code,
      name: p.name,
      type: p.type ?? 'residential',
      typeLabel: PROJECT_TYPE_LABELS[p.type ?? 'residential'],
      customer: person(p.customerId, customers),
      opportunityId: p.opportunityId ? String(p.opportunityId) : null,
      address: p.address,
      pm: p.pmId ? person(p.pmId, staff) : null,
      engineers: p.engineerIds.map((id) => person(id, staff)),
      plannedStart: dateOnly(p.plannedStart),
      plannedEnd: dateOnly(p.plannedEnd),
      actualStart: actualDate(p.actualStart),
      actualEnd: actualDate(p.actualEnd),
      status: p.status,
      statusLabel: PROJECT_STATUS_LABELS[p.status],
      progress: projectProgress(progressInputs(own)),
      scheduleVarianceDays: scheduleVarianceDays(progressInputs(own), today),
      nextMilestone: next
        ? {
            id: String(next._id),
            name: next.name,
            status: next.status,
            plannedEnd: dateOnly(next.plannedEnd),
          }
        : null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  });
}
