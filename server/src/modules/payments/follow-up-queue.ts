import type { Logger } from '../../core/logger';

/**
 * The slow work after a notification's answer (invoice recalculation, notices), run a few at a time
 * so that it does not compete with the answers WeChat waits for (5 s). Losing the queue loses
 * nothing: the settle job finishes whatever is still owed (`effectsDoneAt` null).
 */
export class FollowUpQueue {
  private readonly waiting: Array<() => Promise<void>> = [];
  private running = 0;

  constructor(
    private readonly logger: Logger,
    private readonly concurrency = 2,
  ) {}

  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.drain();
  }

  private drain(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.running += 1;
      task()
        .catch((err) => this.logger.error({ err }, 'payment follow-up failed; the settle job retries'))
        .finally(() => {
          this.running -= 1;
          this.drain();
        });
    }
  }
}
