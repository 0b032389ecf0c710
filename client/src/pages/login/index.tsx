import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { platform } from '../../platform';
import { ROUTES, enterApp } from '../../routes';
import { wechatLogin } from '../../services/auth';
import { loadClientConfig } from '../../store/client-config';
import { saveSession } from '../../store/session';
import { Button } from '../../components/ui';
import { ErrorText } from '../../components/ui/ErrorText';
import { useSubmit } from '../../hooks/useSubmit';
import './index.css';

/**
 * In the browser WeChat is simulated on its own page, offered only where the server names a
 * simulator (never in production); the mini-program asks WeChat directly.
 */
function BrowserEntry() {
  const [simulated, setSimulated] = useState<boolean | null>(null);
  useEffect(() => {
    loadClientConfig().then(
      (config) => setSimulated(config.h5WechatBridgeUrl !== null),
      () => setSimulated(null),
    );
  }, []);

  return (
    <View className="actions">
      {simulated !== false && (
        <Button
          id="wechat-sim-entry"
          type="primary"
          block
          onClick={() => void platform.navigateTo(ROUTES.wechatSim)}
        >
          微信登录（模拟）
        </Button>
      )}
      <Button id="staff-entry" block onClick={() => void platform.navigateTo(ROUTES.staffLogin)}>
        员工登录
      </Button>
    </View>
  );
}

function MiniProgramEntry() {
  const { busy, error, run } = useSubmit();
  const signIn = () =>
    run(async () => {
      const code = await platform.login();
      const session = await wechatLogin(code);
      saveSession(session);
      await enterApp(session.user);
    });

  return (
    <View className="actions">
      <Button id="wechat-login" type="primary" block loading={busy} onClick={() => void signIn()}>
        微信一键登录
      </Button>
      <ErrorText id="login-error" message={error} />
      <Text className="link" onClick={() => void platform.navigateTo(ROUTES.staffLogin)}>
        员工登录
      </Text>
    </View>
  );
}

export default function LoginPage() {
  return (
    <View className="page login-page">
      <Text className="login-brand">Gantry 工程客户管理</Text>
      <Text className="hint">客户请使用微信登录，员工请使用账号密码登录</Text>
      {platform.name === 'h5' ? <BrowserEntry /> : <MiniProgramEntry />}
    </View>
  );
}
