import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { Policy } from '../../core/policy';
import type { Redis } from '../../core/redis';
import { RedisLock } from '../../core/redis-lock';
import type { FileService } from '../files/file.service';
import type { ProjectModel } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ResponseClockService } from './response-clock.service';
import type { ChatMessageModel, ChatReadModel } from './chat.model';
import { ChatNotices } from './chat-notices';
import { ChatReadsService } from './chat-reads.service';
import { chatRoutes } from './chat.routes';
import { ChatService } from './chat.service';
import { ChatWaits } from './chat-waits';

/** At most one chat notice per thread and receiving side in this window. */
const NOTICE_WINDOW_SECONDS = 10 * 60;
/** A reader who marked the thread read this recently counts as present: no push. */
const READER_ACTIVE_SECONDS = 60;

export function createChatModule(deps: {
  chatMessages: ChatMessageModel;
  chatReads: ChatReadModel;
  projects: ProjectModel;
  policy: Policy;
  projectAccess: ProjectAccess;
  files: Pick<FileService, 'attach' | 'refs' | 'withdraw'>;
  responseClock: ResponseClockService;
  audit: AuditLog;
  events: EventBus;
  redis: Redis;
  logger: Logger;
}) {
  const lock = new RedisLock(deps.redis);
  const notices = new ChatNotices({
    redis: deps.redis,
    events: deps.events,
    windowSeconds: NOTICE_WINDOW_SECONDS,
    activeSeconds: READER_ACTIVE_SECONDS,
  });
  const waits = new ChatWaits(deps.redis, deps.logger);
  const reads = new ChatReadsService({ ...deps, notices });
  const chat = new ChatService({ ...deps, reads, notices, waits, lock });
  return { chat, reads, waits, routes: chatRoutes(chat, reads) };
}
