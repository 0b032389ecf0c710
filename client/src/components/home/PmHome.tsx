import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function PmHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="项目经理工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          { key: 'projects', title: '项目' },
          { key: 'milestones', title: '节点' },
          { key: 'change-requests', title: '变更' },
        ]}
      />
    </HomeLayout>
  );
}
