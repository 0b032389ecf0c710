import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import { insightsEntry, receivablesEntry, reconciliationEntry, refundsEntry } from './financeEntries';
import type { RoleHomeProps } from './types';

export function AdminHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="管理后台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          insightsEntry,
          { key: 'staff', title: '员工账号' },
          receivablesEntry,
          refundsEntry,
          reconciliationEntry,
        ]}
      />
    </HomeLayout>
  );
}
