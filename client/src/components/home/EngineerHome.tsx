import { HomeLayout } from './HomeLayout';
import { HomeSections } from './HomeSections';
import { chatEntry, myProjectsEntry, scanEntry } from './projectEntries';
import type { RoleHomeProps } from './types';

export function EngineerHome({ user, onLogout }: RoleHomeProps) {
  return (
    <HomeLayout title="现场工作台" user={user} onLogout={onLogout}>
      <HomeSections entries={[myProjectsEntry, scanEntry, chatEntry]} />
    </HomeLayout>
  );
}
