import type { GrantView, SubscribeMoment, SubscribeResults } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { ForbiddenError, ValidationError } from '../../core/errors';
import type { GrantStore } from './grant.store';
import type { NotificationsConfig } from './notifications.config';

/**
 * Records what the customer answered in wx.requestSubscribeMessage. Every "accept" is one more
 * one-time grant for that template; other answers change nothing (a refusal is not a revocation
 * of grants already given). Only templates Gantry uses are accepted.
 */
export class SubscriptionService {
  private readonly templates: Map<string, string>;

  constructor(
    private readonly grants: GrantStore,
    private readonly config: NotificationsConfig,
  ) {
    this.templates = new Map(
      Object.values(config.templates).flatMap((t) =>
        t.subscribe ? [[t.subscribe.templateId, t.title] as const] : [],
      ),
    );
  }

  async record(actor: Actor, input: SubscribeResults): Promise<GrantView[]> {
    if (actor.kind !== 'portal') throw new ForbiddenError('订阅消息只适用于微信客户账号');
    const unknown = Object.keys(input.results).filter((id) => !this.templates.has(id));
    if (unknown.length > 0) {
      throw new ValidationError(
        unknown.map((id) => ({ path: `body.results.${id}`, message: '未知的订阅消息模板' })),
      );
    }
    const accepted = Object.entries(input.results).filter(([, answer]) => answer === 'accept');
    await Promise.all(accepted.map(([templateId]) => this.grants.give({ accountId: actor.id, templateId })));
    return this.grantsOf(actor, [...this.templates.keys()]);
  }

  /** The templates the client should ask consent for at `moment`, with what the account already holds. */
  async forMoment(actor: Actor, moment: SubscribeMoment): Promise<GrantView[]> {
    const ids = (this.config.moments[moment] ?? []).flatMap((name) => {
      const id = this.config.templates[name]?.subscribe?.templateId;
      return id ? [id] : [];
    });
    return this.grantsOf(actor, ids);
  }

  private async grantsOf(actor: Actor, templateIds: string[]): Promise<GrantView[]> {
    const docs = await this.grants.model
      .find({ accountId: actor.id, templateId: { $in: templateIds } })
      .lean();
    const remaining = new Map(docs.map((d) => [d.templateId, d.remaining]));
    return templateIds.map((templateId) => ({
      templateId,
      title: this.templates.get(templateId) ?? templateId,
      remaining: remaining.get(templateId) ?? 0,
    }));
  }
}
