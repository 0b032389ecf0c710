import type Router from '@koa/router';
import { z } from 'zod';
import { faultMiddleware } from './faults';
import type { SimContext } from './context';
import { firstInvalidField } from './subscribe-fields';

const SendBody = z.object({
  touser: z.string().min(1),
  template_id: z.string().min(1),
  page: z.string().optional(),
  miniprogram_state: z.enum(['developer', 'trial', 'formal']).optional(),
  lang: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** POST /cgi-bin/message/subscribe/send — one send consumes one one-time grant. */
export function registerSubscribeRoutes(router: Router, sim: SimContext): void {
  router.post('/cgi-bin/message/subscribe/send', faultMiddleware(sim.state, 'subscribe'), (ctx) => {
    const token = typeof ctx.query.access_token === 'string' ? ctx.query.access_token : '';
    const tokenState = sim.state.checkToken(token);
    if (tokenState !== 'valid') {
      ctx.body =
        tokenState === 'expired'
          ? { errcode: 42001, errmsg: 'access_token expired' }
          : { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
      return;
    }
    const parsed = SendBody.safeParse(ctx.request.body);
    if (!parsed.success) {
      ctx.body = {
        errcode: 47001,
        errmsg: `data format error: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      };
      return;
    }
    const msg = parsed.data;
    const badKey = firstInvalidField(msg.data);
    if (badKey) {
      ctx.body = { errcode: 47003, errmsg: `argument invalid! data.${badKey}.value invalid` };
      return;
    }
    if (!sim.state.consumeGrant(msg.touser, msg.template_id)) {
      ctx.body = { errcode: 43101, errmsg: 'user refuse to accept the msg' };
      return;
    }
    const msgid = sim.state.newMsgId();
    sim.state.record({
      kind: 'subscribe',
      at: new Date().toISOString(),
      msgid,
      openid: msg.touser,
      templateId: msg.template_id,
      page: msg.page,
      miniprogramState: msg.miniprogram_state,
      data: msg.data as Record<string, { value: string }>,
    });
    ctx.body = { errcode: 0, errmsg: 'ok', msgid };
  });
}
