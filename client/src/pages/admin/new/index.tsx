import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { StaffRole } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { STAFF_ROLE_OPTIONS, createStaff } from '../../../services/staff';
import { ManagerPicker, type ManagerChoice } from '../ManagerPicker';
import '../../../components/projects/projects.css';
import '../admin.css';

/** Quick checks before the round trip; the server's rules (and messages) are the ones that count. */
function problemOf(f: { username: string; password: string; name: string; phone: string }): string | null {
  if (!/^[a-z0-9_.-]{3,32}$/.test(f.username)) return '用户名为 3–32 位小写字母、数字或 _ . -';
  if ([...f.password.normalize('NFKC')].length < 10) return '初始密码至少 10 个字符';
  if (!f.name.trim()) return '请填写姓名';
  if (f.phone && !/^1[3-9]\d{9}$/.test(f.phone)) return '手机号格式不正确';
  return null;
}

/** 新建员工: username, initial password, name, role, phone and manager. */
export default function StaffNewPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<StaffRole | null>(null);
  const [manager, setManager] = useState<ManagerChoice | null>(null);
  const { busy, error, run } = useSubmit();

  const submit = () => {
    const problem = problemOf({ username: username.trim(), password, name, phone: phone.trim() });
    if (problem) return platform.toast(problem);
    if (!role) return platform.toast('请选择角色');
    void run(async () => {
      const created = await createStaff({
        username: username.trim(),
        password,
        name: name.trim(),
        role,
        phone: phone.trim() || undefined,
        managerId: manager?.id ?? null,
      });
      platform.toast('员工已创建', 'success');
      await platform.redirectTo(`${ROUTES.staffEdit}?id=${created.id}`);
    });
  };

  return (
    <View className="page staff-new-page">
      <Text className="page-title">新建员工</Text>
      <Text className="form-label">用户名</Text>
      <View id="new-staff-username" className="form-field">
        <Input placeholder="如 zhang.wei" value={username} onChange={setUsername} maxLength={32} />
      </View>
      <Text className="form-label">初始密码</Text>
      <View id="new-staff-password" className="form-field">
        <Input
          type="password"
          placeholder="至少 10 个字符，员工首次登录需修改"
          value={password}
          onChange={setPassword}
        />
      </View>
      <Text className="form-label">姓名</Text>
      <View id="new-staff-name" className="form-field">
        <Input value={name} onChange={setName} maxLength={50} />
      </View>
      <Text className="form-label">手机号（可选）</Text>
      <View id="new-staff-phone" className="form-field">
        <Input type="number" value={phone} onChange={setPhone} maxLength={11} />
      </View>
      <Text className="form-label">角色</Text>
      <Choices idPrefix="new-staff-role" options={STAFF_ROLE_OPTIONS} value={role} onChange={setRole} />
      <Text className="form-label">上级（可选）</Text>
      <ManagerPicker value={manager} onChange={setManager} />
      <View className="actions">
        <Button id="new-staff-submit" block type="primary" loading={busy} onClick={submit}>
          创建
        </Button>
      </View>
      <ErrorText id="new-staff-error" message={error} />
    </View>
  );
}
