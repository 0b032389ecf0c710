import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { enterApp } from '../../../routes';
import { staffLogin } from '../../../services/auth';
import { saveSession } from '../../../store/session';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';

export default function StaffLoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const ready = username.trim() !== '' && password !== '';

  const signIn = () =>
    run(async () => {
      const session = await staffLogin({ username: username.trim(), password });
      saveSession(session);
      await enterApp(session.user);
    });

  return (
    <View className="page">
      <Text className="page-title">员工登录</Text>
      <View className="form-field">
        <Input id="username-input" placeholder="用户名" value={username} onChange={setUsername} />
      </View>
      <View className="form-field">
        <Input
          id="password-input"
          type="password"
          placeholder="密码"
          value={password}
          onChange={setPassword}
        />
      </View>
      <View className="actions">
        <Button
          id="staff-login"
          type="primary"
          block
          loading={busy}
          disabled={!ready}
          onClick={() => void signIn()}
        >
          登录
        </Button>
      </View>
      <ErrorText id="login-error" message={error} />
    </View>
  );
}
