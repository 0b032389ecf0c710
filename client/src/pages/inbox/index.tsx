import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { InboxItem } from '@gantry/shared';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES, registeredPageUrl } from '../../routes';
import { useInbox } from './useInbox';
import './index.css';

function formatTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function InboxRow({ item, onTap }: { item: InboxItem; onTap: (item: InboxItem) => void }) {
  return (
    <View
      id={`inbox-item-${item.id}`}
      className={`inbox-item${item.readAt ? '' : ' unread'}`}
      onClick={() => onTap(item)}
    >
      <View className="inbox-item-head">
        {!item.readAt && <View className="inbox-dot" />}
        <Text className="inbox-title">{item.title}</Text>
        <Text className="inbox-time">{formatTime(item.createdAt)}</Text>
      </View>
      <Text className="inbox-body">{item.body}</Text>
    </View>
  );
}

/** 消息中心: the user's notifications, newest first; opening one marks it read. */
export default function InboxPage() {
  const inbox = useInbox();

  useDidShow(() => {
    void inbox.reload();
  });

  const open = async (item: InboxItem) => {
    await inbox.markRead(item).catch(() => undefined);
    const url = registeredPageUrl(item.page);
    if (!url) return;
    // The home page is the app's root: go back to it rather than stacking a second one.
    if (url.startsWith(`${ROUTES.home}?`) || url === ROUTES.home) await platform.reLaunch(url);
    else await platform.navigateTo(url);
  };

  const hasUnread = inbox.items.some((i) => !i.readAt);
  return (
    <View className="page inbox-page">
      <View className="inbox-toolbar">
        <Text className="page-title inbox-heading">消息中心</Text>
        <Button
          id="read-all"
          size="small"
          disabled={!hasUnread}
          onClick={() => void inbox.markAllRead().catch(() => undefined)}
        >
          全部已读
        </Button>
      </View>
      {inbox.loaded && inbox.items.length === 0 && (
        <Text id="inbox-empty" className="inbox-empty">
          暂无消息
        </Text>
      )}
      {!inbox.loaded && <Text className="hint">加载中…</Text>}
      <View className="inbox-list">
        {inbox.items.map((item) => (
          <InboxRow key={item.id} item={item} onTap={(i) => void open(i)} />
        ))}
      </View>
      {inbox.nextCursor && (
        <View className="actions">
          <Button id="load-more" block loading={inbox.loading} onClick={inbox.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
