import type { LoginResult, SessionUser, StaffLoginInput } from '@gantry/shared';
import { http } from './http';

export function staffLogin(input: StaffLoginInput): Promise<LoginResult> {
  return http.post<LoginResult>('/auth/staff/login', input, { toast: false });
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
