import crypto from 'node:crypto';
import { isValidObjectId } from 'mongoose';
import type { CreateShareInput, Page, SharedProgress, ShareView } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { AppError, ForbiddenError, NotFoundError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { scopeUnder } from '../../core/policy';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ProjectFacts } from './project-facts';
import type { ProjectHomeService } from './project-home.service';
import type { ShareDoc, ShareModel } from './share.model';

const DAY_MS = 86_400_000;

export interface ShareServiceDeps {
  shares: ShareModel;
  projects: ProjectModel;
  projectAccess: ProjectAccess;
  home: ProjectHomeService;
  facts: ProjectFacts;
  audit: AuditLog;
  /** Where the H5 shared-progress page lives: `${publicUrl}/#/pages/shared/index?token=…`. */
  publicUrl: string;
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

const toView = (d: ShareDoc): ShareView => ({
  id: String(d._id),
  projectId: String(d.projectId),
  label: d.label,
  createdBy: d.createdBy,
  createdAt: d.createdAt.toISOString(),
  expiresAt: d.expiresAt.toISOString(),
});

/**
 * Who reads through a share: a stand-in for the project's customer, so every customer-only filter
 * (timeline, photos) applies unchanged and nothing internal can leak through a share.
 */
function shareReader(share: ShareDoc): Actor {
  return {
    id: `share:${String(share._id)}`,
    kind: 'portal',
    role: 'customer',
    name: '分享访客',
    customerId: String(share.customerId),
    sessionId: '',
  };
}

/**
 * Share links. Only the customer creates them: the progress is theirs to show to family or
 * partners, and staff handing a customer's project to third parties would be a disclosure the
 * customer did not make. The customer's accounts and the project's PM (or an admin) may list and
 * revoke them — staff can shut a link that leaked.
 */
export class ShareService {
  constructor(private readonly deps: ShareServiceDeps) {}

  async create(actor: Actor, projectId: string, input: CreateShareInput, requestId?: string) {
    if (actor.role !== 'customer') throw new ForbiddenError('只有客户本人可以创建分享链接');
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const token = crypto.randomBytes(32).toString('base64url');
    const doc = await retryTransient(() =>
      this.deps.shares.create({
        projectId: project._id,
        customerId: project.customerId,
        tokenHash: hashToken(token),
        label: input.label ?? '',
        createdBy: { id: actor.id, name: actor.name },
        expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS),
      }),
    );
    await this.deps.audit.record({
      actor,
      action: 'share.created',
      resource: 'project_share',
      resourceId: doc._id,
      after: { projectId, expiresAt: doc.expiresAt, label: doc.label },
      requestId,
    });
    const url = `${this.deps.publicUrl.replace(/\/+$/, '')}/#/pages/shared/index?token=${token}`;
    return { ...toView(doc.toObject()), token, url };
  }

  /** Active (unrevoked, unexpired) links of a project. */
  async list(
    actor: Actor,
    projectId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<ShareView>> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    this.assertManages(actor, project);
    const active = { revokedAt: null, expiresAt: { $gt: new Date() } };
    return paginateById(
      this.deps.shares,
      { scope: scopeUnder('projectId', project._id), narrow: active },
      page,
      toView,
    );
  }

  /** Revoking twice is fine (the second does nothing). */
  async revoke(actor: Actor, shareId: string, requestId?: string): Promise<void> {
    const share = isValidObjectId(shareId) ? await this.deps.shares.findById(shareId).lean<ShareDoc>() : null;
    if (!share) throw new NotFoundError('分享链接不存在');
    const project = await this.deps.projectAccess.get(actor, String(share.projectId), 'read');
    this.assertManages(actor, project);
    if (share.revokedAt) return;
    await retryTransient(() =>
      this.deps.shares.updateOne(
        { _id: share._id },
        { $set: { revokedAt: new Date(), revokedBy: actor.id } },
      ),
    );
    await this.deps.audit.record({
      actor,
      action: 'share.revoked',
      resource: 'project_share',
      resourceId: share._id,
      before: { revokedAt: null },
      after: { revokedAt: new Date() },
      requestId,
    });
  }

  /** The public read: 404 for an unknown token, 410 for an expired or revoked one. */
  async read(token: string, page: { cursor?: string; limit: number }): Promise<SharedProgress> {
    const share = await this.deps.shares.findOne({ tokenHash: hashToken(token) }).lean<ShareDoc>();
    if (!share) throw new NotFoundError('分享链接不存在');
    if (share.revokedAt || share.expiresAt.getTime() <= Date.now()) throw new AppError('SHARE_EXPIRED');
    const project = await this.deps.projects.findById(share.projectId).lean<ProjectDoc>();
    // The project moved to another customer (or went away): the customer's link no longer applies.
    if (!project || String(project.customerId) !== String(share.customerId))
      throw new NotFoundError('分享链接不存在');
    const reader = shareReader(share);
    const [facts, timeline] = await Promise.all([
      this.deps.facts.milestones(project._id),
      this.deps.home.timelinePage(reader, String(project._id), page),
    ]);
    return {
      project: { name: project.name, status: project.status },
      progress: facts.progress,
      scheduleVarianceDays: facts.scheduleVarianceDays,
      nextMilestone: facts.nextMilestone,
      milestones: facts.milestones,
      timeline,
      expiresAt: share.expiresAt.toISOString(),
    };
  }

  private assertManages(actor: Actor, project: ProjectDoc): void {
    const manages =
      actor.role === 'customer' || actor.role === 'admin' || this.deps.projectAccess.isPm(actor, project);
    if (!manages) throw new ForbiddenError('只有客户、项目经理或管理员可以管理分享链接');
  }
}
