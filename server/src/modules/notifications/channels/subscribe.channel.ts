import type { Redis } from '../../../core/redis';
import type { SubscribeMessages } from '../../../integrations/wechat/subscribe';
import type { GrantStore } from '../grant.store';
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
export interface SubscribeChannelDeps {
  grants: GrantStore;
  redis: Redis;
  messages: SubscribeMessages;
  dailyCap: number;
  /** Whether the notice holds a grant it took: kept so that a worker dying mid-send does not lose it. */
  grantHeld: {
    get(notice: NoticeDoc): Promise<boolean>;
    set(notice: NoticeDoc, held: boolean): Promise<void>;
  };
}

export class SubscribeChannel implements ChannelDelivery {
  constructor(private readonly deps: SubscribeChannelDeps) {}

  async deliver(notice: NoticeDoc): Promise<DeliveryResult> {
    const sub = notice.content.subscribe;
    if (!sub || !notice.target)
      return { kind: 'failed', error: 'notice has no subscribe template or openid' };
    const capKey = `subscribe-cap:${notice.recipientId}:${shanghaiDay()}`;
    const grant = { accountId: notice.recipientId, templateId: sub.templateId };
    // A notice whose earlier attempt died mid-send already counted towards the cap and holds its grant.
    if (!(await this.deps.grantHeld.get(notice))) {
      const refusal = await this.reserve(capKey, grant);
      if (refusal) return refusal;
      await this.deps.grantHeld.set(notice, true);
    }

    const outcome = await this.deps.messages.send({
      openid: notice.target,
      templateId: sub.templateId,
      page: notice.content.page ?? undefined,
      data: sub.data,
    });
    if (outcome.ok) {
      await this.deps.grantHeld.set(notice, false); // used
      return { kind: 'sent' };
    }
    await this.deps.redis.decr(capKey);
    if (outcome.clearGrant) await this.deps.grants.clear(grant);
    else await this.deps.grants.give(grant);
    await this.deps.grantHeld.set(notice, false);
    const error = `${outcome.code}: ${outcome.message}${outcome.clearGrant ? ' (grant cleared)' : ''}`;
    return outcome.retry ? { kind: 'retry', error } : { kind: 'failed', error };
  }

  /** Counts the send against today's cap and takes a grant; answers why not when it cannot. */
  private async reserve(
    capKey: string,
    grant: { accountId: string; templateId: string },
  ): Promise<DeliveryResult | null> {
    const sentToday = await this.deps.redis.incr(capKey);
    await this.deps.redis.expire(capKey, 2 * DAY_SECONDS);
    if (sentToday > this.deps.dailyCap) {
      await this.deps.redis.decr(capKey);
      return { kind: 'digest', reason: `daily cap of ${this.deps.dailyCap} subscribe messages reached` };
    }
    if (!(await this.deps.grants.take(grant))) {
      await this.deps.redis.decr(capKey);
      return { kind: 'skipped', reason: 'no subscribe grant for this template' };
    }
    return null;
  }
}
