import type Router from '@koa/router';
import type { Context } from 'koa';
import { faultMiddleware } from './faults';
import type { SimContext } from './context';

function credentialError(sim: SimContext, grantType: unknown, appid: unknown, secret: unknown) {
  if (grantType !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
  if (appid !== sim.appId) return { errcode: 40013, errmsg: 'invalid appid' };
  if (secret !== sim.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
  return undefined;
}

/** POST /cgi-bin/stable_token (preferred) and GET /cgi-bin/token (legacy). */
export function registerTokenRoutes(router: Router, sim: SimContext): void {
  const faults = faultMiddleware(sim.state, 'stable_token');

  router.post('/cgi-bin/stable_token', faults, (ctx: Context) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const error = credentialError(sim, body.grant_type, body.appid, body.secret);
    if (error) {
      ctx.body = error;
      return;
    }
    const { token, expiresIn } = sim.state.stable(body.force_refresh === true);
    ctx.body = { access_token: token, expires_in: expiresIn };
  });

  router.get('/cgi-bin/token', faults, (ctx: Context) => {
    const { grant_type: grantType, appid, secret } = ctx.query;
    const error = credentialError(sim, grantType, appid, secret);
    if (error) {
      ctx.body = error;
      return;
    }
    const { token, expiresIn } = sim.state.issueToken();
    ctx.body = { access_token: token, expires_in: expiresIn };
  });
}
