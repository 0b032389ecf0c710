import { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import type { AuditLog } from '../../core/audit';
import { ConflictError, NotFoundError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { EVERYTHING } from '../../core/policy';
import type { NoticeDoc, NoticeModel } from './notice.model';
import type { OutboxQueue } from './outbox.queue';

export interface NoticeView {
  id: string;
  eventType: string;
  channel: string;
  recipientId: string;
  title: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
}

const toView = (n: NoticeDoc): NoticeView => ({
  id: String(n._id),
  eventType: n.eventType,
  channel: n.channel,
  recipientId: n.recipientId,
  title: n.content.title,
  status: n.status,
  attempts: n.attempts,
  lastError: n.lastError,
  nextAttemptAt: n.nextAttemptAt.toISOString(),
  createdAt: n.createdAt.toISOString(),
});

/** What admins see of the outbox: dead and failed notices, and a retry that is audited. */
export class OutboxAdminService {
  constructor(
    private readonly notices: NoticeModel,
    private readonly audit: AuditLog,
    private readonly queue: OutboxQueue,
    private readonly kick: () => void,
  ) {}

  list(query: { status: 'dead' | 'failed' | 'pending'; cursor?: string; limit: number }) {
    // Admins only (see the route): the outbox is the firm's, not a record of anyone's.
    return paginateById(this.notices, { scope: EVERYTHING, narrow: { status: query.status } }, query, toView);
  }

  async retry(actor: Actor, id: string, requestId?: string): Promise<NoticeView> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    const current = await this.notices.findById(id).lean<NoticeDoc>();
    if (!current) throw new NotFoundError();
    if (current.status !== 'dead' && current.status !== 'failed') {
      throw new ConflictError('CONFLICT', '只有失败或已放弃的通知可以重试');
    }
    // A fresh budget of attempts: the ones made so far no longer count towards maxAttempts.
    const updated = await this.notices
      .findOneAndUpdate(
        { _id: id, status: current.status },
        {
          $set: {
            status: 'pending',
            nextAttemptAt: new Date(),
            lastError: null,
            deferrals: current.attempts,
          },
        },
        { returnDocument: 'after' },
      )
      .lean<NoticeDoc>();
    if (!updated) throw new ConflictError('CONFLICT', '通知状态已变化，请刷新后重试');
    await this.queue.reschedule(id, updated.nextAttemptAt);
    await this.audit.record({
      actor,
      action: 'notice.retried',
      resource: 'notice',
      resourceId: id,
      requestId,
    });
    this.kick();
    return toView(updated);
  }
}
