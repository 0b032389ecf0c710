import {
  NOTIFY_EVENT_LABELS,
  NOTIFY_EVENTS,
  type NotifyEvent,
  type Preference,
  type PreferenceView,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { NotificationsConfig } from './notifications.config';
import type { PreferenceModel } from './preference.model';

/** Per account and event type: on/off and instant vs. daily digest. Default: on, instant. */
export class PreferenceService {
  constructor(
    private readonly preferences: PreferenceModel,
    private readonly config: NotificationsConfig,
  ) {}

  /** The event types that can reach this kind of account, with the account's choices. */
  async list(actor: Actor): Promise<PreferenceView[]> {
    const relevant = NOTIFY_EVENTS.filter((e) => this.reaches(actor, e));
    const docs = await this.preferences.find({ accountId: actor.id }).lean();
    const saved = new Map(docs.map((d) => [d.eventType, d]));
    return relevant.map((eventType) => ({
      eventType,
      label: NOTIFY_EVENT_LABELS[eventType],
      enabled: saved.get(eventType)?.enabled ?? true,
      mode: saved.get(eventType)?.mode ?? 'instant',
    }));
  }

  async save(actor: Actor, preferences: Preference[]): Promise<PreferenceView[]> {
    await Promise.all(
      preferences.map((p) =>
        this.preferences.updateOne(
          { accountId: actor.id, eventType: p.eventType },
          { $set: { enabled: p.enabled, mode: p.mode } },
          { upsert: true },
        ),
      ),
    );
    return this.list(actor);
  }

  private reaches(actor: Actor, event: NotifyEvent): boolean {
    const rule = this.config.events[event];
    if (!rule) return false;
    if (actor.kind === 'portal') return rule.recipients.includes('customer');
    return rule.recipients.some(
      (r) => r !== 'customer' && (!r.startsWith('role:') || r === `role:${actor.role}`),
    );
  }
}
