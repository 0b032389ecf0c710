import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { platform } from '../../../platform';
import { enterApp } from '../../../routes';
import { wechatLogin } from '../../../services/auth';
import { loadClientConfig } from '../../../store/client-config';
import { saveSession } from '../../../store/session';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';

/**
 * Browser only. The simulator plays WeChat: it turns an openid into a one-time login code, which
 * the API exchanges exactly as it would a real `wx.login` code.
 */
export default function WechatSimLoginPage() {
  const [openid, setOpenid] = useState('');
  const { busy, error, run } = useSubmit();

  const signIn = () =>
    run(async () => {
      await loadClientConfig();
      const code = await platform.login(openid.trim());
      const session = await wechatLogin(code);
      saveSession(session);
      await enterApp(session.user);
    });

  return (
    <View className="page">
      <Text className="page-title">微信登录（模拟）</Text>
      <View className="form-field">
        <Input id="openid-input" placeholder="o_demo_customer_1" value={openid} onChange={setOpenid} />
      </View>
      <Text className="hint">输入模拟器中的微信 openid，代替真实的微信授权。</Text>
      <View className="actions">
        <Button
          id="wechat-sim-login"
          type="primary"
          block
          loading={busy}
          disabled={!openid.trim()}
          onClick={() => void signIn()}
        >
          登录
        </Button>
      </View>
      <ErrorText id="login-error" message={error} />
    </View>
  );
}
