import { useCallback, useRef, useState } from 'react';
import type { InboxItem } from '@gantry/shared';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../../services/notifications';

const PAGE_SIZE = 20;

/** The inbox as pages of items (newest first) plus the read actions, applied to the loaded list. */
export function useInbox() {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = useCallback(async (cursor?: string) => {
    const mine = cursor ? generation.current : ++generation.current;
    setLoading(true);
    try {
      const page = await listNotifications({ cursor, limit: PAGE_SIZE });
      if (mine !== generation.current) return; // a reload started meanwhile
      setItems((current) => (cursor ? [...current, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setLoaded(true);
    } finally {
      setLoading(false);
    }
  }, []);

  const reload = useCallback(() => load().catch(() => undefined), [load]);
  const loadMore = useCallback(() => {
    if (nextCursor && !loading) void load(nextCursor).catch(() => undefined);
  }, [load, loading, nextCursor]);

  const markRead = useCallback(async (item: InboxItem) => {
    if (item.readAt) return;
    const updated = await markNotificationRead(item.id);
    setItems((current) => current.map((i) => (i.id === updated.id ? updated : i)));
  }, []);

  const markAllRead = useCallback(async () => {
    await markAllNotificationsRead();
    const now = new Date().toISOString();
    setItems((current) => current.map((i) => (i.readAt ? i : { ...i, readAt: now })));
  }, []);

  return { items, nextCursor, loaded, loading, reload, loadMore, markRead, markAllRead };
}
