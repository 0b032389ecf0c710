import type {
  GrantView,
  InboxItem,
  Page,
  Preference,
  PreferenceView,
  SubscribeMoment,
  SubscribeResults,
} from '@gantry/shared';
import { http } from './http';

export interface InboxPageQuery {
  cursor?: string;
  limit?: number;
  unread?: boolean;
}

/** The signed-in user's inbox, newest first; pass `nextCursor` back to get the following page. */
export function listNotifications(query: InboxPageQuery = {}): Promise<Page<InboxItem>> {
  return http.get<Page<InboxItem>>('/notifications', {
    query: {
      cursor: query.cursor,
      limit: query.limit,
      unread: query.unread === undefined ? undefined : String(query.unread),
    },
  });
}

export async function getUnreadCount(): Promise<number> {
  // A badge that cannot load is not worth a toast on every home screen.
  const { unread } = await http.get<{ unread: number }>('/notifications/unread-count', { toast: false });
  return unread;
}

export function markNotificationRead(id: string): Promise<InboxItem> {
  return http.post<InboxItem>(`/notifications/${encodeURIComponent(id)}/read`);
}

export async function markAllNotificationsRead(): Promise<number> {
  const { marked } = await http.post<{ marked: number }>('/notifications/read-all');
  return marked;
}

export async function getPreferences(): Promise<PreferenceView[]> {
  const { preferences } = await http.get<{ preferences: PreferenceView[] }>('/me/preferences');
  return preferences;
}

export async function savePreferences(preferences: Preference[]): Promise<PreferenceView[]> {
  const saved = await http.put<{ preferences: PreferenceView[] }>('/me/preferences', { preferences });
  return saved.preferences;
}

/** Customers only: the subscribe-message templates to ask consent for at `moment`, with grants held. */
export async function getSubscribeTemplates(moment: SubscribeMoment): Promise<GrantView[]> {
  const { templates } = await http.get<{ templates: GrantView[] }>('/subscriptions', { query: { moment } });
  return templates;
}

/** Customers only: records the raw answer of `wx.requestSubscribeMessage`. */
export async function recordSubscribeResults(results: SubscribeResults['results']): Promise<GrantView[]> {
  const { templates } = await http.post<{ templates: GrantView[] }>('/subscriptions', { results });
  return templates;
}
