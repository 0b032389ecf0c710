import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { StaffMember } from '@gantry/shared';
import { usePaged } from '../../components/projects/usePaged';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { listStaff, roleLabel } from '../../services/staff';
import '../../components/projects/projects.css';
import './admin.css';

/** 员工管理: every staff account with its role, state and manager; tap one to edit it. */
export default function StaffAdminPage() {
  const list = usePaged((cursor) => listStaff({ cursor }));
  // Back from the edit or create form: show what was saved there.
  useDidShow(() => {
    void list.reload();
  });
  return (
    <View className="page staff-admin-page">
      <Text className="page-title">员工管理</Text>
      <View className="actions">
        <Button id="staff-new" block type="primary" onClick={() => void platform.navigateTo(ROUTES.staffNew)}>
          新建员工
        </Button>
      </View>
      {list.loaded && list.items.length === 0 && <Text className="project-empty">暂无员工</Text>}
      {list.items.map((member) => (
        <StaffRow key={member.id} member={member} />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="staff-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}

function StaffRow({ member }: { member: StaffMember }) {
  const open = () => void platform.navigateTo(`${ROUTES.staffEdit}?id=${member.id}`);
  return (
    <View id={`staff-item-${member.id}`} className="project-card" onClick={open}>
      <View className="project-row">
        <Text className="project-name">{member.name}</Text>
        <Text className={`staff-status${member.active ? '' : ' inactive'}`}>
          {member.active ? '在职' : '已停用'}
        </Text>
      </View>
      <Text className="project-meta">
        {roleLabel(member.role)} · {member.username}
      </Text>
      <Text id={`staff-manager-${member.id}`} className="project-meta">
        上级：{member.managerName ?? '无'}
        {member.managerActive === false && <Text className="staff-warning">（已停用，请更换）</Text>}
      </Text>
    </View>
  );
}
