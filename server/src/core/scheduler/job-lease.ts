import type { RedisLock } from '../redis-lock';

export interface LeaseSettings {
  /** How long the lease outlives its last renewal. */
  leaseMs: number;
  /** How often the holder renews it. */
  renewMs: number;
}

/**
 * Keeps a run's lease (`job-lock:<job>`) alive while the run's work goes on in this process, so
 * that a lease held by a dead process ends within `leaseMs` instead of at the job's timeout.
 * When a renewal finds the lease gone, or Redis has not confirmed it for a whole `leaseMs` (another
 * instance may have taken the job by now), the holder is told once and renewing stops.
 */
export class JobLease {
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  private lastRenewedAt = Date.now();
  lost = false;

  constructor(
    private readonly lock: RedisLock,
    readonly key: string,
    readonly token: string,
    private readonly settings: LeaseSettings,
    private readonly onLost: (reason: string) => void,
  ) {}

  start(): void {
    this.lastRenewedAt = Date.now();
    this.timer = setInterval(() => void this.renew(), this.settings.renewMs);
    // The run's own work keeps the process alive; the renewals alone must not.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    if (this.lost || this.renewing || !this.timer) return;
    this.renewing = true;
    try {
      if (await this.lock.renew(this.key, this.token, this.settings.leaseMs)) this.lastRenewedAt = Date.now();
      else this.lose('租约已过期或已被其他实例取得');
    } catch {
      if (Date.now() - this.lastRenewedAt >= this.settings.leaseMs) this.lose('Redis 长时间无法续约');
    } finally {
      this.renewing = false;
    }
  }

  private lose(reason: string): void {
    if (!this.timer) return; // stopped meanwhile: the run has ended
    this.lost = true;
    this.stop();
    this.onLost(reason);
  }
}
