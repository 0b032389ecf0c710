import type { SessionUser } from '@gantry/shared';
import { platform } from '../platform';

const TOKEN_KEY = 'gantry.token';
const USER_KEY = 'gantry.user';

export interface Session {
  token: string;
  user: SessionUser;
}

export function getToken(): string | null {
  return platform.storage.get<string>(TOKEN_KEY);
}

export function getSessionUser(): SessionUser | null {
  return platform.storage.get<SessionUser>(USER_KEY);
}

export function saveSession(session: Session): void {
  platform.storage.set(TOKEN_KEY, session.token);
  platform.storage.set(USER_KEY, session.user);
}

export function updateSessionUser(user: SessionUser): void {
  platform.storage.set(USER_KEY, user);
}

export function clearSession(): void {
  platform.storage.remove(TOKEN_KEY);
  platform.storage.remove(USER_KEY);
}

/** A portal (WeChat) account must be bound to a customer before it sees anything. */
export function needsBinding(user: SessionUser): boolean {
  return user.kind === 'portal' && !user.customerId;
}
