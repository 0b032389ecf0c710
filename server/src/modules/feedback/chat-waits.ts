import type { Logger } from '../../core/logger';
import type { Redis } from '../../core/redis';

type Wake = () => void;

/**
 * Long-poll wake-ups. Why long polling and not SSE: the mini-program has no EventSource and
 * `wx.request` cannot read a streamed body everywhere, while a plain request that the server holds
 * until something happens works in weapp and H5 alike, through any proxy, with the same client
 * code. One mechanism is simpler to test and to reason about than SSE for H5 plus polling for weapp.
 *
 * A new message is announced on one Redis pub/sub channel (so a waiter on another API instance
 * hears it) and wakes the waiters of that project in this process; they then read the database.
 * Channels are not prefixed by ioredis' keyPrefix, so the prefix is added here to keep
 * environments (and test files) sharing one Redis apart.
 */
export class ChatWaits {
  private readonly waiters = new Map<string, Set<Wake>>();
  private subscriber: Redis | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;
  private readonly channel: string;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    this.channel = `${String(redis.options.keyPrefix ?? '')}chat:new-message`;
  }

  /** Tells every instance that `projectId` has a new message. */
  async announce(projectId: string): Promise<void> {
    await this.redis.publish(this.channel, projectId);
  }

  /**
   * Registers a waiter for the project before the caller checks the database (so a message
   * committed in between still wakes it). `done` resolves on a new message, the timeout, `cancel`
   * or shutdown, whichever comes first.
   */
  async listen(projectId: string, timeoutMs: number): Promise<{ done: Promise<void>; cancel: () => void }> {
    if (!this.closed) await this.subscribe();
    let finish: Wake = () => undefined;
    const done = new Promise<void>((resolve) => {
      const set = this.waiters.get(projectId) ?? new Set<Wake>();
      const timer = setTimeout(() => finish(), timeoutMs);
      finish = () => {
        clearTimeout(timer);
        set.delete(finish);
        if (set.size === 0 && this.waiters.get(projectId) === set) this.waiters.delete(projectId);
        resolve();
      };
      if (this.closed) return finish();
      set.add(finish);
      this.waiters.set(projectId, set);
    });
    return { done, cancel: () => finish() };
  }

  get pending(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /** Ends every pending wait (the clients get an empty answer and poll again elsewhere) and unsubscribes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
    this.waiters.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  /** The dedicated subscriber connection (a subscribed connection can send no other command). */
  private subscribe(): Promise<void> {
    this.ready ??= (async () => {
      const sub = this.redis.duplicate();
      this.subscriber = sub;
      sub.on('message', (_channel: string, projectId: string) => this.wake(projectId));
      sub.on('error', (err: unknown) => this.logger.warn({ err }, 'chat subscriber error'));
      await sub.subscribe(this.channel);
    })().catch((err: unknown) => {
      this.ready = null; // try again on the next wait rather than failing every wait from now on
      throw err;
    });
    return this.ready;
  }

  private wake(projectId: string): void {
    const set = this.waiters.get(projectId);
    if (set) for (const wake of [...set]) wake();
  }
}
