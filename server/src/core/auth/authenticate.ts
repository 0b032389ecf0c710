import type { Context } from 'koa';
import { AppError, UnauthorizedError } from '../errors';
import type { Actor } from './actor';
import type { SessionStore } from './session-store';

export function bearerToken(ctx: Context): string | null {
  const header = ctx.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? '';
}

/**
 * Resolves the request's actor or throws 401: UNAUTHENTICATED without a token, TOKEN_INVALID
 * otherwise. A session whose admin-set password is still unchanged gets 403 PASSWORD_CHANGE_REQUIRED
 * unless the caller opens itself to it: checked here, so no route that authenticates can forget it.
 */
export async function authenticate(
  ctx: Context,
  sessions: SessionStore,
  options: { beforePasswordChange?: boolean } = {},
): Promise<Actor> {
  const token = bearerToken(ctx);
  if (token === null) throw new UnauthorizedError('UNAUTHENTICATED');
  const actor = token ? await sessions.resolve(token) : null;
  if (!actor) throw new UnauthorizedError('TOKEN_INVALID');
  if (actor.mustChangePassword && !options.beforePasswordChange)
    throw new AppError('PASSWORD_CHANGE_REQUIRED');
  return actor;
}
