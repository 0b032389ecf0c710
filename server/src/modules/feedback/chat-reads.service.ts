import { Types } from 'mongoose';
import type { ChatUnread, ChatUnreadSummary } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { MongoFilter, Policy } from '../../core/policy';
import type { ProjectModel } from '../projects/project.model';
import { PROJECT, type ProjectAccess } from '../projects/project.policy';
import type { ChatMessageModel, ChatReadDoc, ChatReadModel } from './chat.model';
import type { ChatNotices } from './chat-notices';

/** Threads one summary looks at; a reader on more projects sees the most recent ones. */
const SUMMARY_MAX_THREADS = 200;

export const sideOf = (actor: Actor) => (actor.kind === 'portal' ? 'customer' : 'staff');

/**
 * Read markers and unread counts. Unread = messages by someone else after my marker, retracted
 * ones excluded. The marker only moves forward (`$max`), so a late, stale "read up to 3" from a
 * second device cannot make read messages unread again.
 */
export class ChatReadsService {
  constructor(
    private readonly deps: {
      chatMessages: ChatMessageModel;
      chatReads: ChatReadModel;
      projects: ProjectModel;
      policy: Policy;
      projectAccess: ProjectAccess;
      notices: ChatNotices;
    },
  ) {}

  async unread(actor: Actor, projectId: string): Promise<ChatUnread> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    const pid = new Types.ObjectId(projectId);
    const [marker, latestSeq] = await Promise.all([
      this.deps.chatReads.findOne({ readerId: actor.id, projectId: pid }).lean<ChatReadDoc>(),
      this.latestSeq(pid),
    ]);
    const lastReadSeq = marker?.lastReadSeq ?? 0;
    const unread = await this.deps.chatMessages.countDocuments({
      projectId: pid,
      seq: { $gt: lastReadSeq },
      'author.id': { $ne: actor.id },
      retractedAt: null,
    });
    return { projectId, unread, lastReadSeq, latestSeq };
  }

  async markRead(actor: Actor, projectId: string, upTo: number): Promise<ChatUnread> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    const pid = new Types.ObjectId(projectId);
    await this.advance(actor.id, pid, Math.min(upTo, await this.latestSeq(pid)));
    await this.deps.notices.readBy(projectId, sideOf(actor));
    return this.unread(actor, projectId);
  }

  /** Moves the marker forward (never back). Two first-time upserts may race: the loser retries as an update. */
  async advance(readerId: string, projectId: Types.ObjectId, seq: number): Promise<void> {
    const write = () =>
      this.deps.chatReads.updateOne(
        { readerId, projectId },
        { $max: { lastReadSeq: seq } },
        { upsert: true },
      );
    try {
      await retryTransient(write);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await retryTransient(write);
    }
  }

  /**
   * Unread counts across my threads. Customers, PMs and engineers: the projects they are on.
   * Admins and service staff may open any thread, so theirs are the threads they have taken part
   * in (have a read marker) — "every project" would be neither useful nor bounded.
   */
  async summary(actor: Actor): Promise<ChatUnreadSummary> {
    const projects = await this.threadsOf(actor);
    if (projects.length === 0) return { total: 0, items: [] };
    const markers = await this.deps.chatReads
      .find({ readerId: actor.id, projectId: { $in: projects.map((p) => p._id) } })
      .lean<ChatReadDoc[]>();
    const lastRead = new Map(markers.map((m) => [String(m.projectId), m.lastReadSeq]));
    const counts = await this.deps.chatMessages.aggregate<{ _id: Types.ObjectId; n: number }>([
      {
        $match: {
          $or: projects.map((p) => ({ projectId: p._id, seq: { $gt: lastRead.get(String(p._id)) ?? 0 } })),
          'author.id': { $ne: actor.id },
          retractedAt: null,
        },
      },
      { $group: { _id: '$projectId', n: { $sum: 1 } } },
    ]);
    const names = new Map(projects.map((p) => [String(p._id), p.name]));
    const items = counts
      .map((c) => ({ projectId: String(c._id), projectName: names.get(String(c._id)) ?? '', unread: c.n }))
      .sort((a, b) => b.unread - a.unread || a.projectName.localeCompare(b.projectName, 'zh-CN'));
    return { total: items.reduce((sum, i) => sum + i.unread, 0), items };
  }

  private async threadsOf(actor: Actor): Promise<Array<{ _id: Types.ObjectId; name: string }>> {
    let opened: MongoFilter | undefined;
    if (actor.role === 'admin' || actor.role === 'service') {
      const markers = await this.deps.chatReads
        .find({ readerId: actor.id }, { projectId: 1 })
        .sort({ updatedAt: -1 })
        .limit(SUMMARY_MAX_THREADS)
        .lean<Array<Pick<ChatReadDoc, 'projectId'>>>();
      opened = { _id: { $in: markers.map((m) => m.projectId) } };
    }
    return this.deps.projects
      .find(this.deps.policy.list(actor, PROJECT, opened), { name: 1 })
      .sort({ _id: -1 })
      .limit(SUMMARY_MAX_THREADS)
      .lean<Array<{ _id: Types.ObjectId; name: string }>>();
  }

  async latestSeq(projectId: Types.ObjectId): Promise<number> {
    const last = await this.deps.chatMessages
      .findOne({ projectId }, { seq: 1 })
      .sort({ seq: -1 })
      .lean<{ seq: number }>();
    return last?.seq ?? 0;
  }
}
