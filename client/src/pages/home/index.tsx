import { useCallback, useRef, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { SessionUser } from '@gantry/shared';
import { RoleHome } from '../../components/home/RoleHome';
import { noticeTarget } from '../../components/home/projectEntries';
import { messageOf } from '../../components/ui/errors';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { logout, me } from '../../services/auth';
import { clearSession, getSessionUser, getToken, needsBinding, updateSessionUser } from '../../store/session';

/** Shows the signed-in user's role home; the server's `/me` decides who that is. */
export default function HomePage() {
  const [user, setUser] = useState<SessionUser | null>(() => getSessionUser());
  const [error, setError] = useState<string | null>(null);
  const { params } = useRouter();
  // Notices link to home with the record's id; forward once, not on every return to home.
  const forwarded = useRef(false);

  const refresh = useCallback(async () => {
    if (!getToken()) {
      await platform.reLaunch(ROUTES.login);
      return;
    }
    try {
      const current = await me();
      updateSessionUser(current);
      if (needsBinding(current)) {
        await platform.reLaunch(ROUTES.bind);
        return;
      }
      setUser(current);
      setError(null);
      const target = noticeTarget(params);
      if (target && !forwarded.current) {
        forwarded.current = true;
        await platform.navigateTo(target);
      }
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, []);

  useDidShow(() => {
    void refresh();
  });

  const signOut = useCallback(async () => {
    await logout().catch(() => undefined);
    clearSession();
    await platform.reLaunch(ROUTES.login);
  }, []);

  if (!user) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  return <RoleHome user={user} onLogout={() => void signOut()} />;
}
