import type { Logger } from '../../core/logger';

/**
 * The slow work after a notification's answer (payment status, invoice recalculation, notices), run
 * a few at a time. Answers come first: while notifications are being answered the queue starts
 * nothing new (on SQLite-backed FerretDB every write waits for the one before it, and WeChat waits
 * only 5 s for an answer), unless a task has waited `maxHoldMs`, so a steady stream cannot starve
 * it. Losing the queue loses nothing: the settle job finishes whatever is still owed
 * (`effectsDoneAt` null).
 */
export class FollowUpQueue {
  private readonly waiting: Array<{ task: () => Promise<void>; since: number }> = [];
  private running = 0;
  private answering = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly concurrency = 2,
    private readonly maxHoldMs = 30_000,
  ) {}

  /** Marks one notification being answered; call the returned function once it is answered. */
  answer(): () => void {
    this.answering += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.answering -= 1;
      this.drain();
    };
  }

  push(task: () => Promise<void>): void {
    this.waiting.push({ task, since: Date.now() });
    this.drain();
  }

  get pending(): number {
    return this.waiting.length + this.running;
  }

  private drain(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const held = Date.now() - this.waiting[0]!.since < this.maxHoldMs;
      if (this.answering > 0 && held) return this.wake();
      const { task } = this.waiting.shift()!;
      this.running += 1;
      task()
        .catch((err) => this.logger.error({ err }, 'payment follow-up failed; the settle job retries'))
        .finally(() => {
          this.running -= 1;
          this.drain();
        });
    }
  }

  /** Re-checks once the oldest task's hold runs out (answers may keep coming). */
  private wake(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.maxHoldMs - (Date.now() - this.waiting[0]!.since)) + 10;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, wait);
    this.timer.unref();
  }
}
