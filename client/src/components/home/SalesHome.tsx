import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function SalesHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="销售工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          {
            key: 'customers',
            id: 'customers-entry',
            title: '客户',
            description: '客户列表、评分与商机',
            onClick: () => void platform.navigateTo(ROUTES.customers),
          },
          {
            key: 'opportunities',
            id: 'funnel-entry',
            title: '商机',
            description: '销售漏斗',
            onClick: () => void platform.navigateTo(ROUTES.funnel),
          },
          { key: 'follow-ups', title: '跟进' },
          // Only managers (staff with direct reports) get figures; others are told so on the page.
          {
            key: 'insights',
            id: 'insights-entry',
            title: '团队看板',
            description: '团队经理：团队的响应、复购、满意度与应收',
            onClick: () => void platform.navigateTo(ROUTES.insights),
          },
        ]}
      />
    </HomeLayout>
  );
}
