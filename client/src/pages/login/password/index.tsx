import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { platform } from '../../../platform';
import { ROUTES, enterApp } from '../../../routes';
import { changePassword, logout } from '../../../services/auth';
import { clearSession, getSessionUser, saveSession } from '../../../store/session';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import './index.css';

/** Quick checks before the round trip; the server's rules (common passwords, the username) decide. */
function problemOf(newPassword: string, confirm: string): string | null {
  if ([...newPassword.normalize('NFKC')].length < 10) return '新密码至少 10 个字符';
  if (newPassword !== confirm) return '两次输入的新密码不一致';
  return null;
}

/**
 * 修改密码: staff choose their own password — forced after an admin set one (the server refuses
 * everything else until then), or by choice from the home page.
 */
export default function ChangePasswordPage() {
  const forced = getSessionUser()?.mustChangePassword === true;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = () =>
    run(async () => {
      const problem = problemOf(next, confirm);
      if (problem) throw new Error(problem);
      const session = await changePassword({ currentPassword: current, newPassword: next });
      saveSession(session);
      platform.toast('密码已修改', 'success');
      await enterApp(session.user);
    });

  const signOut = async () => {
    await logout().catch(() => undefined);
    clearSession();
    await platform.reLaunch(ROUTES.login);
  };

  return (
    <View className="page change-password-page">
      <Text className="page-title">修改密码</Text>
      {forced && (
        <Text id="password-change-required" className="hint">
          管理员为您设置了初始密码，请先设置只有您自己知道的新密码。
        </Text>
      )}
      <Text className="hint">
        至少 10 个字符，不能包含用户名，也不能是常见密码。修改后其他设备需重新登录。
      </Text>
      <Text className="form-label">当前密码</Text>
      <View className="form-field">
        <Input
          id="current-password"
          type="password"
          placeholder="当前密码"
          value={current}
          onChange={setCurrent}
        />
      </View>
      <Text className="form-label">新密码</Text>
      <View className="form-field">
        <Input id="new-password" type="password" placeholder="新密码" value={next} onChange={setNext} />
      </View>
      <Text className="form-label">确认新密码</Text>
      <View className="form-field">
        <Input
          id="confirm-password"
          type="password"
          placeholder="再次输入新密码"
          value={confirm}
          onChange={setConfirm}
        />
      </View>
      <View className="actions">
        <Button
          id="change-password-submit"
          type="primary"
          block
          loading={busy}
          disabled={!current || !next || !confirm}
          onClick={() => void submit()}
        >
          确认修改
        </Button>
        <Button id="change-password-logout" block onClick={() => void signOut()}>
          退出登录
        </Button>
      </View>
      <ErrorText id="change-password-error" message={error} />
    </View>
  );
}
