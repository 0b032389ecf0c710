import { Text, View } from '@tarojs/components';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { useUnreadCount } from '../../hooks/useUnreadCount';
import { Badge, Cell, CellGroup } from '../ui';

/** 消息中心 with its unread badge, and 通知设置: the same on every role's home. */
export function NotificationEntries() {
  const unread = useUnreadCount();

  return (
    <CellGroup className="home-sections">
      <View id="inbox-entry" onClick={() => void platform.navigateTo(ROUTES.inbox)}>
        <Cell
          clickable
          title={
            <Badge value={unread ?? 0} max={99} top="2" right="-6">
              <Text className="home-entry-title">消息中心</Text>
            </Badge>
          }
          description={
            unread === null ? (
              '加载中…'
            ) : (
              <Text>
                未读 <Text id="unread-count">{unread}</Text> 条
              </Text>
            )
          }
        />
      </View>
      <View id="preferences-entry" onClick={() => void platform.navigateTo(ROUTES.preferences)}>
        <Cell clickable title="通知设置" description="选择接收哪些通知、即时或每日汇总" />
      </View>
    </CellGroup>
  );
}
