import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Redis } from '../../core/redis';
import type { SubscribeMessages } from '../../integrations/wechat/subscribe';
import type { WecomRobot } from '../../integrations/wechat/wecom-robot';
import type { AccountDirectory } from '../auth/account-directory';
import { InboxChannel } from './channels/inbox.channel';
import { SubscribeChannel } from './channels/subscribe.channel';
import { WecomChannel } from './channels/wecom.channel';
import { DigestService } from './digest.service';
import { grantModel } from './grant.model';
import { GrantStore } from './grant.store';
import { inboxItemModel } from './inbox.model';
import { InboxService } from './inbox.service';
import { noticeAttemptModel } from './notice-attempt.model';
import { noticeModel } from './notice.model';
import { NotificationService } from './notification.service';
import type { NotificationsConfig } from './notifications.config';
import { notificationRoutes } from './notifications.routes';
import { OutboxAdminService } from './outbox-admin.service';
import { OutboxQueue } from './outbox.queue';
import { OutboxWorker } from './outbox.worker';
import { preferenceModel } from './preference.model';
import { PreferenceService } from './preference.service';
import { SubscriptionService } from './subscription.service';

export interface NotificationsModuleDeps {
  conn: Connection;
  redis: Redis;
  logger: Logger;
  audit: AuditLog;
  events: EventBus;
  directory: AccountDirectory;
  subscribeMessages: SubscribeMessages;
  wecomRobot: WecomRobot;
  config: NotificationsConfig;
}

/** Builds the notifications domain and subscribes it to every domain event. */
export function createNotificationsModule(d: NotificationsModuleDeps) {
  const models = {
    notices: noticeModel(d.conn),
    noticeAttempts: noticeAttemptModel(d.conn),
    inbox: inboxItemModel(d.conn),
    grants: grantModel(d.conn),
    preferences: preferenceModel(d.conn),
  };
  const grants = new GrantStore(models.grants, d.redis);
  const queue = new OutboxQueue(d.redis);
  const worker = new OutboxWorker({
    notices: models.notices,
    attempts: models.noticeAttempts,
    queue,
    logger: d.logger.child({ component: 'outbox' }),
    leaseSeconds: d.config.leaseSeconds,
    maxAttempts: d.config.maxAttempts,
    backoffSeconds: d.config.backoffSeconds,
    pollMs: d.config.worker.pollMs,
    concurrency: d.config.worker.concurrency,
    channels: {
      inbox: new InboxChannel(models.inbox),
      subscribe: new SubscribeChannel({
        grants,
        redis: d.redis,
        messages: d.subscribeMessages,
        dailyCap: d.config.subscribeDailyCap,
        grantHeld: {
          // in Redis, not on the notice: one more write to the outbox per message costs a scan on FerretDB
          get: async (notice) => (await d.redis.exists(`outbox:grant-held:${notice._id}`)) === 1,
          set: async (notice, held) => {
            if (held) await d.redis.set(`outbox:grant-held:${notice._id}`, '1', 'EX', 7 * 86_400);
            else await d.redis.del(`outbox:grant-held:${notice._id}`);
          },
        },
      }),
      wecom: new WecomChannel({
        redis: d.redis,
        robot: d.wecomRobot,
        robots: d.config.wecom.robots,
        perMinute: d.config.wecom.perMinute,
      }),
    },
  });
  const kick = () => worker.kick();
  const notifications = new NotificationService({
    notices: models.notices,
    preferences: models.preferences,
    directory: d.directory,
    config: d.config,
    logger: d.logger,
    queue,
    kick,
  });
  d.events.subscribe('*', async (event) => {
    await notifications.onEvent(event);
  });

  const services = {
    notifications,
    inbox: new InboxService(models.inbox),
    subscriptions: new SubscriptionService(grants, d.config),
    preferences: new PreferenceService(models.preferences, d.config),
    outboxAdmin: new OutboxAdminService(models.notices, d.audit, queue, kick),
    outboxQueue: queue,
    digest: new DigestService(models.notices, models.inbox),
  };
  return { models, worker, queue, services, routes: notificationRoutes(services) };
}
