import type { Redis } from '../../../core/redis';
import type { SubscribeMessages } from '../../../integrations/wechat/subscribe';
import type { GrantModel } from '../grant.model';
import type { NoticeDoc } from '../notice.model';
import type { ChannelDelivery, DeliveryResult } from './channel';

const DAY_SECONDS = 86_400;

/** Today in Asia/Shanghai as YYYYMMDD: the daily cap resets at Beijing midnight, not UTC's. */
export function shanghaiDay(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * WeChat subscribe messages. A message goes out only when the account holds a one-time grant for
 * the template (each send uses one) and is under the daily cap; otherwise it stays in the inbox
 * (and, over the cap, in the daily digest). A definite refusal gives the grant back; 43101 clears it.
 */
export class SubscribeChannel implements ChannelDelivery {
  constructor(
    private readonly deps: { grants: GrantModel; redis: Redis; messages: SubscribeMessages; dailyCap: number },
  ) {}

  async deliver(notice: NoticeDoc): Promise<DeliveryResult> {
    const sub = notice.content.subscribe;
    if (!sub || !notice.target) return { kind: 'failed', error: 'notice has no subscribe template or openid' };
    const capKey = `subscribe-cap:${notice.recipientId}:${shanghaiDay()}`;
    const sentToday = await this.deps.redis.incr(capKey);
    await this.deps.redis.expire(capKey, 2 * DAY_SECONDS);
    if (sentToday > this.deps.dailyCap) {
      await this.deps.redis.decr(capKey);
      return { kind: 'digest', reason: `daily cap of ${this.deps.dailyCap} subscribe messages reached` };
    }
    const grant = { accountId: notice.recipientId, templateId: sub.templateId };
    const taken = await this.deps.grants.findOneAndUpdate({ ...grant, remaining: { $gt: 0 } }, { $inc: { remaining: -1 } });
    if (!taken) {
      await this.deps.redis.decr(capKey);
      return { kind: 'skipped', reason: 'no subscribe grant for this template' };
    }

    const outcome = await this.deps.messages.send({
      openid: notice.target,
      templateId: sub.templateId,
      page: notice.content.page ?? undefined,
      data: sub.data,
    });
    if (outcome.ok) return { kind: 'sent' };
    await this.deps.redis.decr(capKey);
    if (outcome.clearGrant) {
      await this.deps.grants.updateOne(grant, { $set: { remaining: 0 } });
      return { kind: 'failed', error: `${outcome.code}: ${outcome.message} (grant cleared)` };
    }
    await this.deps.grants.updateOne(grant, { $inc: { remaining: 1 } });
    return outcome.retry
      ? { kind: 'retry', error: `${outcome.code}: ${outcome.message}` }
      : { kind: 'failed', error: `${outcome.code}: ${outcome.message}` };
  }
}
