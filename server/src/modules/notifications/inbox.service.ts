import { Types } from 'mongoose';
import type { InboxItem, InboxQuery, Page } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { NotFoundError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { scopeUnder, type MongoFilter } from '../../core/policy';
import { toInboxItem, type InboxItemModel } from './inbox.model';

/** The signed-in user's own inbox; another user's item answers 404 like a missing one. */
export class InboxService {
  constructor(private readonly inbox: InboxItemModel) {}

  list(actor: Actor, query: InboxQuery): Promise<Page<InboxItem>> {
    const scope = scopeUnder('recipientId', actor.id);
    const narrow: MongoFilter = {};
    if (query.unread === true) narrow.readAt = null;
    if (query.unread === false) narrow.readAt = { $ne: null };
    return paginateById(this.inbox, { scope, narrow }, query, toInboxItem);
  }

  async unreadCount(actor: Actor): Promise<number> {
    return this.inbox.countDocuments({ recipientId: actor.id, readAt: null });
  }

  async markRead(actor: Actor, id: string): Promise<InboxItem> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    const item = await this.inbox.findOne({ _id: id, recipientId: actor.id }).lean();
    if (!item) throw new NotFoundError();
    if (item.readAt) return toInboxItem(item); // idempotent: the first read time stays
    const updated = await this.inbox
      .findOneAndUpdate(
        { _id: id, recipientId: actor.id, readAt: null },
        { $set: { readAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean();
    return toInboxItem(updated ?? item);
  }

  async markAllRead(actor: Actor): Promise<number> {
    const result = await this.inbox.updateMany(
      { recipientId: actor.id, readAt: null },
      { $set: { readAt: new Date() } },
    );
    return result.modifiedCount;
  }
}
