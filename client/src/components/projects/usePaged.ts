import { useCallback, useRef, useState } from 'react';
import type { Page } from '@gantry/shared';

/**
 * A cursor-paged list: `reload` fetches the first page (dropping answers of older loads),
 * `loadMore` appends the next one. Errors are toasted by the http layer and leave the list as is.
 */
export function usePaged<T>(fetchPage: (cursor?: string) => Promise<Page<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback(async (cursor?: string) => {
    const mine = cursor ? generation.current : ++generation.current;
    setLoading(true);
    try {
      const page = await fetcher.current(cursor);
      if (mine !== generation.current) return;
      setItems((current) => (cursor ? [...current, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setLoaded(true);
    } catch {
      // Toasted by the http layer.
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(() => load(), [load]);
  const loadMore = useCallback(() => {
    if (nextCursor && !loading) void load(nextCursor);
  }, [load, loading, nextCursor]);

  return { items, setItems, nextCursor, loaded, loading, reload, loadMore };
}
