import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function EngineerHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="现场工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          { key: 'site-logs', title: '施工日志' },
          { key: 'site-issues', title: '现场问题' },
        ]}
      />
    </HomeLayout>
  );
}
