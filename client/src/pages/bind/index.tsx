import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { bindInvite } from '../../services/auth';
import { updateSessionUser } from '../../store/session';
import { Button, Input } from '../../components/ui';
import { ErrorText } from '../../components/ui/ErrorText';
import { useSubmit } from '../../hooks/useSubmit';

/** A WeChat account not yet linked to a customer enters the invite code its sales contact sent. */
export default function BindPage() {
  const [inviteCode, setInviteCode] = useState('');
  const { busy, error, run } = useSubmit();

  const bind = () =>
    run(async () => {
      const user = await bindInvite(inviteCode.trim().toUpperCase());
      updateSessionUser(user);
      await platform.reLaunch(ROUTES.home);
    });

  return (
    <View className="page">
      <Text className="page-title">绑定客户</Text>
      <Text className="hint">请输入销售人员提供的 8 位邀请码，绑定后即可查看您的项目。</Text>
      <View className="form-field">
        <Input
          id="invite-input"
          placeholder="邀请码"
          maxLength={8}
          value={inviteCode}
          onChange={setInviteCode}
        />
      </View>
      <View className="actions">
        <Button
          id="bind-submit"
          type="primary"
          block
          loading={busy}
          disabled={!inviteCode.trim()}
          onClick={() => void bind()}
        >
          绑定
        </Button>
      </View>
      <ErrorText id="bind-error" message={error} />
    </View>
  );
}
