import { useCallback, useEffect, useRef, useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import type { ChatMessage } from '@gantry/shared';
import { listMessages, markRead, waitForMessages } from '../../services/chat';

/** Oldest first, one entry per seq (a message seen twice, e.g. posted then polled, is kept once). */
function merge(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const RETRY_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The thread of a project, kept current by long polling while the page is shown: each poll asks
 * for messages after the newest one held and is answered as soon as one exists (or empty after
 * ~25 s), then the next poll starts. A failed poll waits a little and tries again. Everything
 * shown is marked read.
 */
export function useChat(projectId: string) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const latest = useRef(0);
  const running = useRef(0);

  const absorb = useCallback(
    (incoming: ChatMessage[], retracted: number[] = []) => {
      setMessages((current) => {
        const merged = merge(current, incoming).map((m) =>
          retracted.includes(m.seq) && !m.retracted
            ? { ...m, retracted: true, text: '', attachments: [] }
            : m,
        );
        const newest = merged.length ? merged[merged.length - 1]!.seq : 0;
        if (newest > latest.current) {
          latest.current = newest;
          void markRead(projectId, newest).catch(() => undefined);
        }
        return merged;
      });
    },
    [projectId],
  );

  const poll = useCallback(
    async (run: number) => {
      while (running.current === run) {
        try {
          const page = await waitForMessages(projectId, latest.current);
          if (running.current !== run) return;
          absorb(page.items, page.retractedSeqs);
        } catch {
          await sleep(RETRY_MS);
        }
      }
    },
    [projectId, absorb],
  );

  const start = useCallback(async () => {
    const run = ++running.current;
    try {
      const page = await listMessages(projectId, { limit: 30 });
      if (running.current !== run) return;
      absorb(page.items);
      setHasOlder(page.hasMore);
      setLoaded(true);
    } catch {
      // Toasted by the http layer; the poll below keeps trying.
    }
    void poll(run);
  }, [projectId, absorb, poll]);

  const stop = useCallback(() => {
    running.current += 1;
  }, []);

  const loadOlder = useCallback(async () => {
    const oldest = messages[0]?.seq;
    if (!oldest) return;
    const page = await listMessages(projectId, { before: oldest, limit: 30 });
    absorb(page.items);
    setHasOlder(page.hasMore);
  }, [projectId, messages, absorb]);

  useDidShow(() => {
    if (projectId) void start();
  });
  useDidHide(stop);
  useEffect(() => stop, [stop]);

  return { messages, hasOlder, loaded, absorb, loadOlder };
}
