import type { SessionUser } from '@gantry/shared';
import { platform } from './platform';
import { needsBinding } from './store/session';

export const ROUTES = {
  login: '/pages/login/index',
  wechatSim: '/pages/login/wechat-sim/index',
  staffLogin: '/pages/login/staff/index',
  bind: '/pages/bind/index',
  home: '/pages/home/index',
} as const;

/** After signing in: an unbound portal account must enter an invite code first. */
export function enterApp(user: SessionUser): Promise<void> {
  return platform.reLaunch(needsBinding(user) ? ROUTES.bind : ROUTES.home);
}
