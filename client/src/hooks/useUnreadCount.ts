import { useCallback, useEffect, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { getUnreadCount } from '../services/notifications';

/**
 * The inbox's unread count, fetched again whenever the page shows: coming back from the inbox
 * (or from the background) must not leave a stale badge. Also fetched on mount, since a component
 * that mounts after its page has shown misses that first show. Null until the first answer.
 */
export function useUnreadCount(): number | null {
  const [unread, setUnread] = useState<number | null>(null);

  const refresh = useCallback(() => {
    getUnreadCount().then(setUnread, () => undefined);
  }, []);

  useEffect(refresh, [refresh]);
  useDidShow(refresh);
  return unread;
}
