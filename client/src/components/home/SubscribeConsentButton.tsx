import type { SubscribeMoment } from '@gantry/shared';
import { View } from '@tarojs/components';
import { platform } from '../../platform';
import { useSubscribeConsent } from '../../hooks/useSubscribeConsent';
import { messageOf } from '../ui/errors';
import { Button } from '../ui';

/**
 * Lets a customer opt in to WeChat reminders for a moment before any page for it exists. The tap
 * handler calls `askConsent` first thing, as WeChat requires a user gesture.
 */
export function SubscribeConsentButton({ moment, label }: { moment: SubscribeMoment; label: string }) {
  const { askConsent, busy } = useSubscribeConsent(moment);

  const onTap = () => {
    askConsent().then(
      (results) => platform.toast(Object.values(results).includes('accept') ? '已开启提醒' : '未开启提醒'),
      (error: unknown) => platform.toast(messageOf(error)),
    );
  };

  return (
    <View className="home-subscribe">
      <Button
        id="subscribe-consent"
        size="small"
        fill="outline"
        type="primary"
        loading={busy}
        onClick={onTap}
      >
        {label}
      </Button>
    </View>
  );
}
