import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import { changeInboxEntry, chatEntry, feedbackBoardEntry } from './projectEntries';
import type { RoleHomeProps } from './types';

export function ServiceHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="客服工作台" user={user} onLogout={onLogout}>
      <HomeSections
        entries={[feedbackBoardEntry, changeInboxEntry, chatEntry, { key: 'customers', title: '客户' }]}
      />
    </HomeLayout>
  );
}
