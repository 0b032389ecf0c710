import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function SalesHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="销售工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          { key: 'customers', title: '客户' },
          { key: 'opportunities', title: '商机' },
          { key: 'follow-ups', title: '跟进' },
        ]}
      />
    </HomeLayout>
  );
}
