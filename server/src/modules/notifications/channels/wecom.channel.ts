import type { Redis } from '../../../core/redis';
import type { WecomRobot } from '../../../integrations/wechat/wecom-robot';
import type { NoticeDoc } from '../notice.model';
import type { ChannelDelivery, DeliveryResult } from './channel';

/**
 * WeCom group robots, one per staff team. WeCom allows 20 messages a minute per robot: a fixed
 * one-minute window counted in Redis (shared by every worker) holds the rest back to the next
 * minute instead of letting WeCom refuse them.
 */
export class WecomChannel implements ChannelDelivery {
  constructor(
    private readonly deps: {
      redis: Redis;
      robot: WecomRobot;
      robots: Record<string, string>;
      perMinute: number;
    },
  ) {}

  async deliver(notice: NoticeDoc): Promise<DeliveryResult> {
    const team = notice.target ?? '';
    const key = this.deps.robots[team];
    if (!key) return { kind: 'failed', error: `no WeCom robot key configured for team "${team}"` };
    const minute = Math.floor(Date.now() / 60_000);
    const counter = `wecom-rate:${team}:${minute}`;
    const used = await this.deps.redis.incr(counter);
    await this.deps.redis.expire(counter, 120);
    const nextWindow = new Date((minute + 1) * 60_000);
    if (used > this.deps.perMinute)
      return { kind: 'reschedule', at: nextWindow, reason: 'WeCom robot limit (per minute) reached' };

    const outcome = await this.deps.robot.sendMarkdown(
      key,
      notice.content.markdown ?? `**${notice.content.title}**\n${notice.content.body}`,
    );
    if (outcome.ok) return { kind: 'sent' };
    if (outcome.code === 'RATE_LIMITED')
      return { kind: 'reschedule', at: nextWindow, reason: outcome.message };
    return outcome.retry
      ? { kind: 'retry', error: outcome.message }
      : { kind: 'failed', error: outcome.message };
  }
}
