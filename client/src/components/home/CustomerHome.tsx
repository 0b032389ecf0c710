import { Text } from '@tarojs/components';
import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function CustomerHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="我的项目" user={user} onLogout={onLogout}>
      <Text id="customer-name" className="home-customer">
        {user.customerName ?? ''}
      </Text>
      <HomeSections
        entries={[
          { key: 'milestones', title: '项目节点', description: '查看进度并确认验收' },
          { key: 'payments', title: '付款', description: '待付款项与付款记录' },
        ]}
      />
    </HomeLayout>
  );
}
