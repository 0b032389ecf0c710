import { isValidObjectId } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import type { Policy } from '../../core/policy';
import type { ProjectDoc, ProjectModel } from './project.model';

export const PROJECT = 'project';

export type ProjectRef = Pick<ProjectDoc, '_id' | 'customerId' | 'pmId' | 'engineerIds'>;

const isPm = (actor: Actor, p: ProjectRef) => p.pmId !== null && String(p.pmId) === actor.id;
const isEngineer = (actor: Actor, p: ProjectRef) => p.engineerIds.some((id) => String(id) === actor.id);

/**
 * A customer account sees only its own customer's projects; an engineer the projects they are on;
 * a PM the projects they manage (or are on); admins all. Finance and customer service read every
 * project (money and complaints span projects) but change none. Sales reach projects through the
 * customer's past cooperation, not here.
 */
export function registerProjectPolicy(policy: Policy): void {
  policy.register<ProjectRef>(PROJECT, {
    read(actor, p) {
      switch (actor.role) {
        case 'admin':
        case 'finance':
        case 'service':
          return true;
        case 'pm':
          return isPm(actor, p) || isEngineer(actor, p);
        case 'engineer':
          return isEngineer(actor, p);
        case 'customer':
          return actor.customerId !== null && actor.customerId === String(p.customerId);
        default:
          return false;
      }
    },
    change(actor, p) {
      return actor.role === 'admin' || (actor.role === 'pm' && isPm(actor, p));
    },
    scope(actor) {
      switch (actor.role) {
        case 'admin':
        case 'finance':
        case 'service':
          return {};
        case 'pm':
          return { $or: [{ pmId: actor.id }, { engineerIds: actor.id }] };
        case 'engineer':
          return { engineerIds: actor.id };
        case 'customer':
          return actor.customerId ? { customerId: actor.customerId } : null;
        default:
          return null;
      }
    },
  });
}

/**
 * "May this actor see project X" for the modules that hang records off a project (milestones,
 * files, daily logs, site issues, change requests, chat). A project the actor may not read is
 * reported exactly like a missing one.
 */
export class ProjectAccess {
  constructor(private readonly deps: { projects: ProjectModel; policy: Policy }) {}

  /** The project, or 404 when it is missing or unreadable; 403 for `change` on a readable one. */
  async get(actor: Actor, projectId: string, action: 'read' | 'change' = 'read'): Promise<ProjectDoc> {
    const project = isValidObjectId(projectId)
      ? await this.deps.projects.findById(projectId).lean<ProjectDoc>()
      : null;
    this.deps.policy.assert<ProjectRef>(actor, action, PROJECT, project);
    return project;
  }

  async canRead(actor: Actor, projectId: string): Promise<boolean> {
    if (!isValidObjectId(projectId)) return false;
    const project = await this.deps.projects
      .findById(projectId, { customerId: 1, pmId: 1, engineerIds: 1 })
      .lean<ProjectRef>();
    return project !== null && this.deps.policy.can<ProjectRef>(actor, 'read', PROJECT, project);
  }

  isPm(actor: Actor, project: ProjectRef): boolean {
    return actor.role === 'pm' && isPm(actor, project);
  }

  /** The PM or an engineer on the project: who may report from site. */
  isOnSite(actor: Actor, project: ProjectRef): boolean {
    return (
      (actor.role === 'pm' || actor.role === 'engineer') &&
      (isPm(actor, project) || isEngineer(actor, project))
    );
  }
}
