import type { ChatSide } from '@gantry/shared';
import type { EventBus } from '../../core/events';
import type { Redis } from '../../core/redis';
import type { ProjectDoc } from '../projects/project.model';
import type { ChatMessageDoc } from './chat.model';

const PREVIEW_CHARS = 50;

/**
 * Tells the other side of a thread that something was said, through the outbox (`chat.message`
 * → notifications config), without one push per message: the first message of a burst publishes
 * the event and opens a window (a Redis key with a TTL, per thread and receiving side); messages
 * inside the window publish nothing. Reading the thread replaces the window with a short one
 * (`activeSeconds`): while someone of that side is reading along nothing is pushed, and a message
 * arriving after they left notifies again soon instead of at the end of a long window.
 *
 * Chosen over the notifications "digest" mode because that one folds held pushes once a day —
 * too late for a conversation — and because the inbox would still get one item per message.
 * Each recipient's own preferences (off / daily digest for pushes) still apply to the one notice.
 */
export class ChatNotices {
  constructor(
    private readonly deps: { redis: Redis; events: EventBus; windowSeconds: number; activeSeconds: number },
  ) {}

  async afterPost(project: ProjectDoc, message: ChatMessageDoc): Promise<boolean> {
    const to: ChatSide = message.author.side === 'customer' ? 'staff' : 'customer';
    const opened = await this.deps.redis.set(
      windowKey(String(project._id), to),
      String(message._id),
      'EX',
      this.deps.windowSeconds,
      'NX',
    );
    if (opened !== 'OK') return false;
    const audience =
      to === 'customer'
        ? { customerId: String(project.customerId) }
        : { staffIds: [project.pmId, ...project.engineerIds].filter((id) => id !== null).map(String) };
    const publish = this.deps.events.publish(
      'chat.message',
      {
        ...audience,
        projectId: String(project._id),
        projectName: project.name,
        fromName: message.author.name,
        text: preview(message),
      },
      { id: `chat.message:${String(message._id)}`, occurredAt: message.createdAt },
    );
    // A notice that never reached the outbox must not silence the thread for the whole window.
    await publish.catch(async (err: unknown) => {
      await this.deps.redis.del(windowKey(String(project._id), to));
      throw err;
    });
    return true;
  }

  /** Someone of `side` is reading the thread now. */
  async readBy(projectId: string, side: ChatSide): Promise<void> {
    await this.deps.redis.set(windowKey(projectId, side), 'reading', 'EX', this.deps.activeSeconds);
  }
}

const windowKey = (projectId: string, to: ChatSide) => `chat:notice-window:${projectId}:${to}`;

function preview(message: ChatMessageDoc): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  if (text) return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return message.fileIds.length > 1 ? `[${message.fileIds.length} 个文件]` : '[文件]';
}
