import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import type { SessionUser } from '@gantry/shared';
import { ROLE_LABELS } from '@gantry/shared/src/roles';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { Button } from '../ui';
import { NotificationEntries } from './NotificationEntries';
import './home.css';

interface HomeLayoutProps {
  title: string;
  user: SessionUser;
  onLogout: () => void;
  children?: ReactNode;
}

/** The frame every role's home shares: title, who is signed in, notifications, and signing out. */
export function HomeLayout({ title, user, onLogout, children }: HomeLayoutProps) {
  return (
    <View className="page home-page">
      <View className="home-header">
        <Text className="page-title home-title">{title}</Text>
        <Text id="current-user" className="home-user">
          {user.name} · {ROLE_LABELS[user.role]}
        </Text>
      </View>
      {children}
      <NotificationEntries />
      <View className="actions">
        {user.kind === 'staff' && (
          <Button
            id="change-password-entry"
            block
            onClick={() => void platform.navigateTo(ROUTES.changePassword)}
          >
            修改密码
          </Button>
        )}
        <Button id="logout" block onClick={onLogout}>
          退出登录
        </Button>
      </View>
    </View>
  );
}
