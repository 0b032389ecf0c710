import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Input } from '../../components/ui';
import { ErrorText } from '../../components/ui/ErrorText';
import { useSubmit } from '../../hooks/useSubmit';
import { platform } from '../../platform';
import { resetStaffPassword } from '../../services/staff';

/** 重置密码 for someone who lost theirs: the server's policy decides, and they change it at next sign-in. */
export function PasswordReset({ staffId }: { staffId: string }) {
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();

  const reset = () =>
    run(async () => {
      if ([...password.normalize('NFKC')].length < 10) throw new Error('新密码至少 10 个字符');
      await resetStaffPassword(staffId, password);
      setPassword('');
      platform.toast('密码已重置，该员工下次登录需修改', 'success');
    });

  return (
    <View className="staff-password-reset">
      <Text className="form-label">重置密码（该员工的登录会全部退出，下次登录须修改密码）</Text>
      <View id="staff-reset-password" className="form-field">
        <Input type="password" placeholder="新的初始密码" value={password} onChange={setPassword} />
      </View>
      <View className="actions">
        <Button
          id="staff-reset-password-submit"
          block
          loading={busy}
          disabled={!password}
          onClick={() => void reset()}
        >
          重置密码
        </Button>
      </View>
      <ErrorText id="staff-reset-password-error" message={error} />
    </View>
  );
}
