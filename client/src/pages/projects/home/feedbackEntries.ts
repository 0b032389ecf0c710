import type { ProjectStatus } from '@gantry/shared';
import { ROUTES } from '../../../routes';

/** Statuses after handover: the customer files repairs (报修) instead of change requests. */
const HANDED_OVER: ReadonlySet<ProjectStatus> = new Set<ProjectStatus>(['completed', 'warranty', 'closed']);
/** The whole project is rated at completion and during the warranty (as the server allows). */
const RATEABLE: ReadonlySet<ProjectStatus> = new Set<ProjectStatus>(['completed', 'warranty']);

/**
 * The issue-6 entries of the project home: change requests, the project chat, complaints and
 * repairs, and for the customer of a completed project its rating. `unread` is the chat's unread count, shown on its entry.
 */
export function feedbackEntries(
  staff: boolean,
  projectId: string,
  status: ProjectStatus,
  unread: number,
): Array<{ key: string; label: string; page: string }> {
  const q = `?projectId=${encodeURIComponent(projectId)}`;
  const chat = {
    key: 'chat',
    label: unread > 0 ? `项目沟通（${unread > 99 ? '99+' : unread}）` : '项目沟通',
    page: `${ROUTES.chat}${q}`,
  };
  const changes = { key: 'changes', label: '变更申请', page: `${ROUTES.changes}${q}` };
  const board = {
    key: 'feedback',
    label: staff ? '投诉与报修' : '我的投诉与报修',
    page: `${ROUTES.feedback}${q}`,
  };
  if (staff) return [changes, chat, board];
  const raise = HANDED_OVER.has(status)
    ? { key: 'repair', label: '报修', page: `${ROUTES.repair}${q}` }
    : { key: 'complaint', label: '投诉', page: `${ROUTES.complaint}${q}` };
  const rating = RATEABLE.has(status)
    ? [
        {
          key: 'rating',
          label: '评价本项目',
          page: `${ROUTES.rating}?projectId=${encodeURIComponent(projectId)}`,
        },
      ]
    : [];
  return [changes, chat, raise, board, ...rating];
}
