import { Types } from 'mongoose';
import type { StaffRole } from '@gantry/shared';
import type { DomainEvent, EventPayload } from '../../core/events';
import { isDuplicateKeyError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AccountDirectory, Recipient } from '../auth/account-directory';
import type { NoticeDoc, NoticeModel } from './notice.model';
import type { NoticeTemplate, NotificationsConfig } from './notifications.config';
import type { OutboxQueue } from './outbox.queue';
import type { PreferenceModel } from './preference.model';
import { renderRecord, renderTemplate } from './render';

type NewNotice = Omit<NoticeDoc, '_id' | 'createdAt' | 'updatedAt'>;

export interface NotificationServiceDeps {
  notices: NoticeModel;
  preferences: PreferenceModel;
  directory: AccountDirectory;
  config: NotificationsConfig;
  logger: Logger;
  queue: OutboxQueue;
  /** Wakes the local worker so a notice does not wait for the next poll. */
  kick: () => void;
}

/**
 * Turns a domain event into outbox notices: resolves the configured recipients, applies each
 * recipient's preferences, renders the template, and writes every notice before any delivery.
 * The dedupe key (event id, channel, recipient) makes a re-published event enqueue nothing new.
 */
export class NotificationService {
  constructor(private readonly deps: NotificationServiceDeps) {}

  async onEvent(event: DomainEvent): Promise<number> {
    const rule = this.deps.config.events[event.name];
    if (!rule) return 0;
    const template = this.deps.config.templates[rule.template] as NoticeTemplate;
    const recipients = await this.resolveRecipients(rule.recipients, event.payload);
    const prefs = await this.preferencesOf(
      recipients.map((r) => r.id),
      event.name,
    );
    const content = this.render(template, event.payload);
    const docs: NewNotice[] = [];
    const base = { eventId: event.id, eventType: event.name, template: rule.template, content };

    for (const r of recipients) {
      docs.push(this.notice(base, 'inbox', r.kind, r.id, null, 'pending'));
      const pref = prefs.get(r.id);
      if (pref?.enabled === false) continue; // "off" silences pushes; the inbox keeps the record
      if (rule.channels.includes('subscribe') && r.openid && template.subscribe) {
        docs.push(
          this.notice(
            base,
            'subscribe',
            r.kind,
            r.id,
            r.openid,
            pref?.mode === 'digest' ? 'digest' : 'pending',
          ),
        );
      }
    }
    for (const channel of rule.channels.filter((c) => c.startsWith('wecom:'))) {
      const team = channel.slice('wecom:'.length);
      if (template.wecom) docs.push(this.notice(base, 'wecom', 'team', team, team, 'pending'));
    }
    const inserted = await this.insertNew(docs);
    if (inserted > 0) this.deps.kick();
    return inserted;
  }

  private render(template: NoticeTemplate, payload: EventPayload): NoticeDoc['content'] {
    return {
      title: renderTemplate(template.title, payload),
      body: renderTemplate(template.body, payload),
      page: template.page ? renderTemplate(template.page, payload) : null,
      ...(template.subscribe
        ? {
            subscribe: {
              templateId: template.subscribe.templateId,
              data: renderRecord(template.subscribe.data, payload),
            },
          }
        : {}),
      ...(template.wecom ? { markdown: renderTemplate(template.wecom, payload) } : {}),
    };
  }

  private notice(
    base: Pick<NewNotice, 'eventId' | 'eventType' | 'template' | 'content'>,
    channel: NewNotice['channel'],
    recipientKind: NewNotice['recipientKind'],
    recipientId: string,
    target: string | null,
    status: 'pending' | 'digest',
  ): NewNotice {
    return {
      ...base,
      dedupeKey: `${base.eventId}|${channel}|${recipientId}`,
      channel,
      recipientKind,
      recipientId,
      target,
      status,
      attempts: 0,
      deferrals: 0,
      nextAttemptAt: new Date(),
      leaseUntil: null,
      leaseOwner: null,
      lastError: null,
      sentAt: null,
    };
  }

  /** insertMany that skips notices already in the outbox (same dedupe key), then queues the new ones. */
  private async insertNew(docs: NewNotice[]): Promise<number> {
    if (docs.length === 0) return 0;
    const withIds = docs.map((d) => ({ ...d, _id: new Types.ObjectId() }));
    let failed = new Set<number>();
    try {
      await this.deps.notices.insertMany(withIds, { ordered: false });
    } catch (err) {
      const errors = (
        err as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> }
      ).writeErrors;
      const onlyDuplicates = errors?.length && errors.every((w) => (w.code ?? w.err?.code) === 11000);
      if (!onlyDuplicates && !isDuplicateKeyError(err)) throw err;
      failed = new Set(errors ? errors.map((w) => w.index) : withIds.map((_, i) => i));
    }
    const inserted = withIds.filter((_, i) => !failed.has(i));
    await this.deps.queue.add(
      inserted
        .filter((d) => d.status === 'pending')
        .map((d) => ({ id: String(d._id), dueAt: d.nextAttemptAt })),
    );
    return inserted.length;
  }

  private async resolveRecipients(kinds: string[], payload: EventPayload): Promise<Recipient[]> {
    const { directory } = this.deps;
    const lists = await Promise.all(
      kinds.map((kind): Promise<Recipient[]> => {
        if (kind === 'customer')
          return payload.customerId
            ? directory.portalAccountsOfCustomer(payload.customerId)
            : Promise.resolve([]);
        if (kind === 'owner') return directory.activeStaff(payload.ownerId ? [payload.ownerId] : []);
        if (kind === 'pm') return directory.activeStaff(payload.pmId ? [payload.pmId] : []);
        if (kind === 'manager') return directory.activeStaff(payload.managerId ? [payload.managerId] : []);
        if (kind === 'staff') return directory.activeStaff(payload.staffIds ?? []);
        return directory.activeStaffWithRole(kind.slice('role:'.length) as StaffRole);
      }),
    );
    const byId = new Map<string, Recipient>();
    for (const r of lists.flat()) byId.set(r.id, r);
    return [...byId.values()];
  }

  private async preferencesOf(ids: string[], eventType: string) {
    const docs = ids.length
      ? await this.deps.preferences.find({ accountId: { $in: ids }, eventType }).lean()
      : [];
    return new Map(docs.map((d) => [d.accountId, d]));
  }
}
