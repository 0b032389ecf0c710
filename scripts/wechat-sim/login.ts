import type Router from '@koa/router';
import { faultMiddleware } from './faults';
import type { SimContext } from './context';
import { randomBytes } from 'node:crypto';

/** GET /sns/jscode2session — wx.login code to openid/session_key. */
export function registerLoginRoutes(router: Router, sim: SimContext): void {
  router.get('/sns/jscode2session', faultMiddleware(sim.state, 'jscode2session'), (ctx) => {
    const { appid, secret, js_code: code, grant_type: grantType } = ctx.query;
    if (appid !== sim.appId) {
      ctx.body = { errcode: 40013, errmsg: 'invalid appid' };
      return;
    }
    if (secret !== sim.appSecret) {
      ctx.body = { errcode: 40125, errmsg: 'invalid appsecret' };
      return;
    }
    if (grantType !== 'authorization_code') {
      ctx.body = { errcode: 40002, errmsg: 'invalid grant_type' };
      return;
    }
    const session = typeof code === 'string' ? sim.state.redeemLoginCode(code) : undefined;
    if (!session) {
      ctx.body = { errcode: 40029, errmsg: 'invalid code' };
      return;
    }
    ctx.body = {
      session_key: randomBytes(16).toString('base64'),
      openid: session.openid,
      ...(session.unionid ? { unionid: session.unionid } : {}),
    };
  });
}
