import { z } from 'zod';
import {
  changePasswordSchema,
  loginResultSchema,
  sessionUserSchema,
  staffLoginSchema,
  wechatBindSchema,
  wechatLoginSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { AuthService } from './auth.service';
import type { InviteService } from './invite.service';
import type { PasswordService } from './password.service';

const userEnvelope = z.object({ user: sessionUserSchema });

export function authRoutes(
  auth: AuthService,
  invites: InviteService,
  passwords: PasswordService,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/staff/login',
      summary: 'Staff sign-in with username and password',
      tags: ['auth'],
      auth: 'public',
      limiter: 'login',
      body: staffLoginSchema,
      response: loginResultSchema,
      handler: ({ body, ctx }) => auth.staffLogin(body, { ip: ctx.ip, requestId: ctx.state.requestId }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password',
      summary: 'Change one’s own password (ends every session; answers a fresh one)',
      tags: ['auth'],
      auth: 'staff',
      beforePasswordChange: true,
      body: changePasswordSchema,
      response: loginResultSchema,
      handler: ({ body, actor, ctx }) =>
        passwords.change(actor, body, { ip: ctx.ip, requestId: ctx.state.requestId }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/wechat/login',
      summary: 'Customer sign-in with a wx.login code (creates an unbound portal account on first sign-in)',
      tags: ['auth'],
      auth: 'public',
      limiter: 'login',
      body: wechatLoginSchema,
      response: loginResultSchema,
      handler: ({ body }) => auth.wechatLogin(body.code),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/wechat/bind',
      summary: 'Bind the signed-in WeChat account to a customer with a single-use invite code',
      tags: ['auth'],
      auth: ['customer'],
      body: wechatBindSchema,
      response: userEnvelope,
      handler: async ({ body, actor, ctx }) => ({
        user: await invites.redeem(actor, body.inviteCode, ctx.state.requestId),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: 'The signed-in user',
      tags: ['auth'],
      auth: 'any',
      response: userEnvelope,
      handler: async ({ actor }) => ({ user: await auth.me(actor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Revoke the current token',
      tags: ['auth'],
      auth: 'any',
      beforePasswordChange: true,
      status: 204,
      handler: ({ actor }) => auth.logout(actor),
    }),
  ];
}
