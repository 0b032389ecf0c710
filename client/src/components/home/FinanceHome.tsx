import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import type { RoleHomeProps } from './types';

export function FinanceHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="财务工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          { key: 'invoices', title: '发票' },
          { key: 'receipts', title: '收款' },
          { key: 'reconciliation', title: '对账' },
        ]}
      />
    </HomeLayout>
  );
}
