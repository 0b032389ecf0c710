import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import {
  changeInboxEntry,
  chatEntry,
  feedbackBoardEntry,
  myProjectsEntry,
  scanEntry,
} from './projectEntries';
import type { RoleHomeProps } from './types';

export function PmHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="项目经理工作台" user={user} onLogout={onLogout}>
      <HomeSections entries={[myProjectsEntry, scanEntry, changeInboxEntry, feedbackBoardEntry, chatEntry]} />
    </HomeLayout>
  );
}
