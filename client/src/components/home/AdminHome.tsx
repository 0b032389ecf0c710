import { platform } from '../../platform';
import { ROUTES } from '../../routes';
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
          {
            key: 'staff',
            id: 'staff-admin-entry',
            title: '员工管理',
            description: '账号、角色、停用与上级（升级和团队报表按上级）',
            onClick: () => void platform.navigateTo(ROUTES.staffAdmin),
          },
          receivablesEntry,
          refundsEntry,
          reconciliationEntry,
        ]}
      />
    </HomeLayout>
  );
}
