import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { StaffMember, StaffRole } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { Button, Input, Switch } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { STAFF_ROLE_OPTIONS, getStaff, updateStaff, type StaffChanges } from '../../../services/staff';
import { ManagerPicker, type ManagerChoice } from '../ManagerPicker';
import { PasswordReset } from '../PasswordReset';
import '../../../components/projects/projects.css';
import '../admin.css';

interface Draft {
  name: string;
  role: StaffRole;
  active: boolean;
  manager: ManagerChoice | null;
}

const draftOf = (m: StaffMember): Draft => ({
  name: m.name,
  role: m.role,
  active: m.active,
  manager: m.managerId ? { id: m.managerId, name: m.managerName ?? '' } : null,
});

/** Only what the admin changed goes to the server, so the audit entry shows just that. */
function changesOf(saved: StaffMember, draft: Draft): StaffChanges {
  const changes: StaffChanges = {};
  if (draft.name.trim() !== saved.name) changes.name = draft.name.trim();
  if (draft.role !== saved.role) changes.role = draft.role;
  if (draft.active !== saved.active) changes.active = draft.active;
  if ((draft.manager?.id ?? null) !== saved.managerId) changes.managerId = draft.manager?.id ?? null;
  return changes;
}

/** 编辑员工: name, role, active, and the manager escalations and team reports follow. */
export default function StaffEditPage() {
  const id = useRouter().params.id ?? '';
  const [saved, setSaved] = useState<StaffMember | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    getStaff(id)
      .then((m) => {
        setSaved(m);
        setDraft(draftOf(m));
      })
      .catch((caught) => setLoadError(messageOf(caught)));
  }, [id]);

  if (!saved || !draft) {
    return (
      <View className="page">
        <Text className="hint">{loadError ?? '加载中…'}</Text>
      </View>
    );
  }
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  const save = () => {
    if (!draft.name.trim()) return platform.toast('请填写姓名');
    const changes = changesOf(saved, draft);
    if (Object.keys(changes).length === 0) return platform.toast('没有需要保存的修改');
    void run(async () => {
      const updated = await updateStaff(saved.id, changes);
      setSaved(updated);
      setDraft(draftOf(updated));
      platform.toast('已保存', 'success');
    });
  };

  return (
    <View className="page staff-edit-page">
      <Text className="page-title">{saved.name}</Text>
      <Text className="project-meta">用户名：{saved.username}</Text>
      <Text className="form-label">姓名</Text>
      <View id="staff-name-input" className="form-field">
        <Input value={draft.name} maxLength={50} onChange={(name) => set({ name })} />
      </View>
      <Text className="form-label">角色</Text>
      <Choices
        idPrefix="staff-role"
        options={STAFF_ROLE_OPTIONS}
        value={draft.role}
        onChange={(role) => set({ role })}
      />
      <View className="form-switch-row">
        <Text className="form-switch-label">在职（停用后立即退出登录）</Text>
        <Switch id="staff-active" checked={draft.active} onChange={(active) => set({ active })} />
      </View>
      <Text className="form-label">上级（投诉、维修、低分评价和逾期账款按此升级）</Text>
      <ManagerPicker value={draft.manager} excludeId={saved.id} onChange={(manager) => set({ manager })} />
      <View className="actions">
        <Button id="staff-save" block type="primary" loading={busy} onClick={save}>
          保存
        </Button>
      </View>
      <ErrorText id="staff-form-error" message={error} />
      <PasswordReset staffId={saved.id} />
    </View>
  );
}
