import { Types } from 'mongoose';
import {
  CHAT_RETRACT_WINDOW_SECONDS,
  type ChatMessage,
  type ChatPage,
  type ChatPageQuery,
  type ChatWaitQuery,
  type PostChatMessageInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, ForbiddenError, isDuplicateKeyError, NotFoundError } from '../../core/errors';
import { scopedFilter, scopeUnder } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { FileService } from '../files/file.service';
import type { ProjectDoc } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ResponseClockService } from './response-clock.service';
import type { ChatMessageDoc, ChatMessageModel } from './chat.model';
import type { ChatNotices } from './chat-notices';
import { sideOf, type ChatReadsService } from './chat-reads.service';
import type { ChatWaits } from './chat-waits';
import { toMessageViews } from './chat.view';

export interface ChatServiceDeps {
  chatMessages: ChatMessageModel;
  projectAccess: ProjectAccess;
  files: Pick<FileService, 'attach' | 'refs' | 'withdraw'>;
  reads: ChatReadsService;
  notices: ChatNotices;
  waits: ChatWaits;
  responseClock: ResponseClockService;
  audit: AuditLog;
  lock: RedisLock;
}

/**
 * One thread per project between the customer's portal accounts and the project's staff. Who may
 * read and write is who may read the project (ProjectAccess: the customer's accounts, the PM and
 * engineers on it, admins, service staff); the routes keep finance and sales out, the others get
 * 404 for a project that is not theirs. Service staff are in on purpose: they answer customers
 * (complaints, repairs) and their replies count in the response time.
 */
export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  async post(actor: Actor, projectId: string, input: PostChatMessageInput): Promise<ChatMessage> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const dedupeKey = `${actor.id}:${input.clientKey ?? new Types.ObjectId().toHexString()}`;
    const resent = await this.deps.chatMessages.findOne({ dedupeKey }).lean<ChatMessageDoc>();
    if (resent) return this.view(actor, resent);
    const fileIds = input.fileIds ?? [];
    const _id = new Types.ObjectId();
    const message = await this.insertWithFiles(actor, project, {
      _id,
      text: input.text ?? '',
      fileIds,
      dedupeKey,
    });
    await this.deps.reads.advance(actor.id, project._id, message.seq);
    await this.trackResponse(actor, project, message);
    await this.deps.notices.afterPost(project, message);
    await this.deps.waits.announce(projectId);
    return this.view(actor, message);
  }

  /** Newest first; `before` pages back, `after` catches up (the oldest `limit` newer ones). */
  async page(actor: Actor, projectId: string, query: ChatPageQuery): Promise<ChatPage> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    return this.read(actor, projectId, query);
  }

  /**
   * Long poll: answers at once when there are messages after `after`, otherwise holds the request
   * until one arrives (on any instance), the timeout passes, the client goes away or the server
   * shuts down — then answers what there is (possibly nothing; the client simply asks again).
   */
  async wait(actor: Actor, projectId: string, query: ChatWaitQuery, gone?: AbortSignal): Promise<ChatPage> {
    await this.deps.projectAccess.get(actor, projectId, 'read');
    const page = { after: query.after, limit: 100 };
    const waiter = await this.deps.waits.listen(projectId, query.timeoutMs);
    const onGone = () => waiter.cancel();
    gone?.addEventListener('abort', onGone);
    if (gone?.aborted) waiter.cancel(); // an abort event that already fired is not fired again
    try {
      const now = await this.read(actor, projectId, page);
      if (now.items.length > 0 || query.timeoutMs === 0) return now;
      await waiter.done;
      const later = await this.read(actor, projectId, page);
      return { ...later, retractedSeqs: await this.recentlyRetracted(projectId) };
    } finally {
      waiter.cancel();
      gone?.removeEventListener('abort', onGone);
    }
  }

  /**
   * Only its author, only within the window. The message and its files are kept (readers see a
   * trace); the customer's access to the files through it ends, before the message is marked.
   */
  async retract(actor: Actor, messageId: string): Promise<ChatMessage> {
    const message = Types.ObjectId.isValid(messageId)
      ? await this.deps.chatMessages.findById(messageId).lean<ChatMessageDoc>()
      : null;
    if (!message) throw new NotFoundError('消息不存在');
    await this.deps.projectAccess.get(actor, String(message.projectId), 'read');
    if (message.author.id !== actor.id) throw new ForbiddenError('只能撤回自己发送的消息');
    if (message.retractedAt) return this.view(actor, message);
    const ageSeconds = (Date.now() - message.createdAt.getTime()) / 1000;
    if (ageSeconds > CHAT_RETRACT_WINDOW_SECONDS) {
      throw new AppError('CHAT_RETRACT_EXPIRED', undefined, { windowSeconds: CHAT_RETRACT_WINDOW_SECONDS });
    }
    const retractedAt = new Date();
    await this.deps.files.withdraw(actor, { kind: 'chat_message', id: message._id });
    await retryTransient(() =>
      this.deps.chatMessages.updateOne({ _id: message._id, retractedAt: null }, { $set: { retractedAt } }),
    );
    await this.deps.audit.record({
      actor,
      action: 'chat.message_retracted',
      resource: 'chat_message',
      resourceId: message._id,
      before: { text: message.text, fileIds: message.fileIds.map(String) },
      after: { retractedAt: retractedAt.toISOString() },
    });
    await this.deps.waits.announce(String(message.projectId));
    return this.view(actor, { ...message, retractedAt });
  }

  /**
   * A retraction changes a message the client already shows; it wakes the waiters, who then get the
   * seqs retracted lately (a message is retractable for 2 minutes, so "lately" stays short).
   */
  private async recentlyRetracted(projectId: string): Promise<number[]> {
    const since = new Date(Date.now() - 2 * CHAT_RETRACT_WINDOW_SECONDS * 1000);
    const docs = await this.deps.chatMessages
      .find({ projectId: new Types.ObjectId(projectId), retractedAt: { $gte: since } }, { seq: 1 })
      .lean<Array<{ seq: number }>>();
    return docs.map((d) => d.seq);
  }

  private async read(
    actor: Actor,
    projectId: string,
    query: { before?: number; after?: number; limit: number },
  ): Promise<ChatPage> {
    const seqs: Record<string, unknown> = {};
    if (query.before !== undefined) seqs.seq = { $lt: query.before };
    if (query.after !== undefined) seqs.seq = { $gt: query.after };
    // Callers checked that the actor may read the project; every message of its thread is theirs to read.
    const thread = scopeUnder('projectId', new Types.ObjectId(projectId));
    const docs = await this.deps.chatMessages
      .find(scopedFilter(thread, seqs))
      .sort({ seq: query.after !== undefined ? 1 : -1 })
      .limit(query.limit + 1)
      .lean<ChatMessageDoc[]>();
    const hasMore = docs.length > query.limit;
    const pageDocs = docs.slice(0, query.limit);
    if (query.after !== undefined) pageDocs.reverse();
    return { items: await toMessageViews(actor, pageDocs, this.deps.files), hasMore };
  }

  /**
   * Chat files are shown to the customer by nature: the thread is the customer's. Through this
   * message only: the same photo stays internal wherever else it is internal. The reference is
   * written under the message's id before the message; when the message is then not written (an
   * error, or a resend with the same clientKey won), the reference is withdrawn, so no file stays
   * shown through a message nobody can see or retract.
   */
  private async insertWithFiles(
    actor: Actor,
    project: ProjectDoc,
    fields: { _id: Types.ObjectId; text: string; fileIds: string[]; dedupeKey: string },
  ): Promise<ChatMessageDoc> {
    if (fields.fileIds.length === 0) return this.insert(actor, project, fields);
    const record = { kind: 'chat_message' as const, id: fields._id };
    await this.deps.files.attach(actor, fields.fileIds, {
      projectId: String(project._id),
      customerVisible: true,
      record,
    });
    let message: ChatMessageDoc;
    try {
      message = await this.insert(actor, project, fields);
    } catch (err) {
      await this.deps.files.withdraw(actor, record);
      throw err;
    }
    if (!message._id.equals(fields._id)) await this.deps.files.withdraw(actor, record);
    return message;
  }

  /**
   * The next seq is taken and the message written under a per-project lock, so seqs are gapless and
   * committed in order (a reader polling "after N" cannot miss one); the unique (projectId, seq)
   * index is the backstop should the lock ever be lost.
   */
  private async insert(
    actor: Actor,
    project: ProjectDoc,
    fields: { _id: Types.ObjectId; text: string; fileIds: string[]; dedupeKey: string },
  ): Promise<ChatMessageDoc> {
    try {
      return await this.deps.lock.withLock(`chat:thread:${String(project._id)}`, 10_000, async () => {
        const seq = (await this.deps.reads.latestSeq(project._id)) + 1;
        const doc = await retryTransient(() =>
          this.deps.chatMessages.create({
            _id: fields._id,
            projectId: project._id,
            seq,
            author: { id: actor.id, name: actor.name, side: sideOf(actor), role: actor.role },
            text: fields.text,
            fileIds: fields.fileIds.map((id) => new Types.ObjectId(id)),
            dedupeKey: fields.dedupeKey,
          }),
        );
        return doc.toObject<ChatMessageDoc>();
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // The same clientKey raced itself: answer the message that won.
      const winner = await this.deps.chatMessages
        .findOne({ dedupeKey: fields.dedupeKey })
        .lean<ChatMessageDoc>();
      if (!winner) throw err;
      return winner;
    }
  }

  /**
   * The first unanswered customer message of a thread opens a response clock; further customer
   * messages wait on that one; the first staff message after it stops it. Under a per-thread lock
   * so two customer messages at once open one clock.
   */
  private async trackResponse(actor: Actor, project: ProjectDoc, message: ChatMessageDoc): Promise<void> {
    const projectId = String(project._id);
    await this.deps.lock.withLock(`chat:clock:${projectId}`, 10_000, async () => {
      const open = await this.deps.responseClock.openKey(projectId, 'chat');
      if (message.author.side === 'staff') {
        if (open) await this.deps.responseClock.answer(open, actor, message.createdAt);
      } else if (!open) {
        await this.deps.responseClock.open({
          key: `chat:${projectId}:${String(message._id)}`,
          kind: 'chat',
          projectId,
          customerId: String(project.customerId),
          openedAt: message.createdAt,
        });
      }
    });
  }

  private async view(actor: Actor, doc: ChatMessageDoc): Promise<ChatMessage> {
    const [view] = await toMessageViews(actor, [doc], this.deps.files);
    return view!;
  }
}
