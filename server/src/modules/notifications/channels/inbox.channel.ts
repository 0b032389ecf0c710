import { isDuplicateKeyError } from '../../../core/errors';
import type { InboxItemModel } from '../inbox.model';
import type { NoticeDoc } from '../notice.model';
import type { ChannelDelivery, DeliveryResult } from './channel';

/** The in-app inbox: exactly once per dedupe key, by the inbox's unique index. */
export class InboxChannel implements ChannelDelivery {
  constructor(private readonly inbox: InboxItemModel) {}

  async deliver(notice: NoticeDoc): Promise<DeliveryResult> {
    try {
      await this.inbox.create({
        recipientId: notice.recipientId,
        dedupeKey: notice.dedupeKey,
        eventType: notice.eventType,
        title: notice.content.title,
        body: notice.content.body,
        page: notice.content.page,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // already delivered by an earlier, interrupted attempt
    }
    return { kind: 'sent' };
  }
}
