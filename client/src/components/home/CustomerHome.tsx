import { Text } from '@tarojs/components';
import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import { SubscribeConsentButton } from './SubscribeConsentButton';
import { invoicesEntry } from './financeEntries';
import { myProjectsEntry } from './projectEntries';
import type { RoleHomeProps } from './types';

export function CustomerHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="我的项目" user={user} onLogout={onLogout}>
      <Text id="customer-name" className="home-customer">
        {user.customerName ?? ''}
      </Text>
      <HomeSections entries={[myProjectsEntry, invoicesEntry]} />
      {/* Until the milestone page lands; it will ask through the same hook before its confirm button. */}
      <SubscribeConsentButton moment="milestone_confirm" label="订阅进度提醒" />
    </HomeLayout>
  );
}
