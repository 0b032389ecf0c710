import crypto from 'node:crypto';
import { isDuplicateKeyError } from '../../core/errors';
import type { InboxItemModel } from './inbox.model';
import type { NoticeModel } from './notice.model';

const MAX_PER_RUN = 2000;
const MAX_LINES = 10;

/**
 * The daily digest: push notices held back (digest preference, or over the daily subscribe cap)
 * are folded into one inbox item per recipient, and marked `digested` so they are never folded twice.
 */
export class DigestService {
  constructor(
    private readonly notices: NoticeModel,
    private readonly inbox: InboxItemModel,
  ) {}

  async buildDigests(): Promise<{ recipients: number; notices: number }> {
    const held = await this.notices.find({ status: 'digest' }).sort({ _id: 1 }).limit(MAX_PER_RUN).lean();
    const byRecipient = new Map<string, typeof held>();
    for (const n of held) byRecipient.set(n.recipientId, [...(byRecipient.get(n.recipientId) ?? []), n]);

    for (const [recipientId, notices] of byRecipient) {
      const ids = notices.map((n) => String(n._id));
      const dedupeKey = `digest|${recipientId}|${crypto.createHash('sha1').update(ids.join(',')).digest('hex')}`;
      const lines = notices.slice(0, MAX_LINES).map((n) => `· ${n.content.title}：${n.content.body}`);
      if (notices.length > MAX_LINES)
        lines.push(`…… 另有 ${notices.length - MAX_LINES} 条，请在消息中心查看`);
      try {
        await this.inbox.create({
          recipientId,
          dedupeKey,
          eventType: 'digest',
          title: `消息摘要（${notices.length} 条）`,
          body: lines.join('\n'),
          page: 'pages/inbox/index',
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // an earlier run wrote it, then died before marking
      }
      await this.notices.updateMany(
        { _id: { $in: notices.map((n) => n._id) }, status: 'digest' },
        { $set: { status: 'digested' } },
      );
    }
    return { recipients: byRecipient.size, notices: held.length };
  }
}
