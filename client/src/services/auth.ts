import type { ChangePasswordInput, LoginResult, SessionUser } from '@gantry/shared';
import { platform } from '../platform';
import { http } from './http';

// Per username: on a shared device each person's own token is what marks it as theirs.
const deviceKey = (username: string) => `gantry.device.${username.toLowerCase()}`;

/**
 * Staff sign-in. The device token from an earlier sign-in of the same user goes along: while
 * someone is guessing that user's password from elsewhere, it lets this client in without waiting.
 */
export async function staffLogin(input: { username: string; password: string }): Promise<LoginResult> {
  const deviceToken = platform.storage.get<string>(deviceKey(input.username)) ?? undefined;
  const result = await http.post<LoginResult>(
    '/auth/staff/login',
    { ...input, ...(deviceToken ? { deviceToken } : {}) },
    { toast: false },
  );
  if (result.deviceToken) platform.storage.set(deviceKey(input.username), result.deviceToken);
  return result;
}

/** Changes one's own password; every session ends and the answer is the new one. */
export function changePassword(input: ChangePasswordInput): Promise<LoginResult> {
  return http.post<LoginResult>('/auth/password', input, { toast: false });
}

export function wechatLogin(code: string): Promise<LoginResult> {
  return http.post<LoginResult>('/auth/wechat/login', { code }, { toast: false });
}

export async function bindInvite(inviteCode: string): Promise<SessionUser> {
  const { user } = await http.post<{ user: SessionUser }>(
    '/auth/wechat/bind',
    { inviteCode },
    { toast: false },
  );
  return user;
}

export async function me(): Promise<SessionUser> {
  const { user } = await http.get<{ user: SessionUser }>('/me');
  return user;
}

export async function logout(): Promise<void> {
  await http.post<void>('/auth/logout', undefined, { toast: false });
}
