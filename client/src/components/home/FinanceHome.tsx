import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import {
  financePaymentsEntry,
  insightsEntry,
  invoicesEntry,
  receivablesEntry,
  reconciliationEntry,
  refundsEntry,
} from './financeEntries';
import type { RoleHomeProps } from './types';

export function FinanceHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="财务工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[
          receivablesEntry,
          { ...invoicesEntry, description: '全部账单、逾期未付' },
          financePaymentsEntry,
          refundsEntry,
          reconciliationEntry,
          insightsEntry,
        ]}
      />
    </HomeLayout>
  );
}
