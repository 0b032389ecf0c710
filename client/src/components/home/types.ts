import type { SessionUser } from '@gantry/shared';

export interface RoleHomeProps {
  user: SessionUser;
  onLogout: () => void;
}
