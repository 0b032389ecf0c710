import type Router from '@koa/router';
import { z } from 'zod';
import { faultMiddleware } from './faults';
import type { SimContext } from './context';

const MESSAGES_PER_MINUTE = 20;
const MAX_BYTES = { text: 2048, markdown: 4096 } as const;

const RobotBody = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }).passthrough() }),
  z.object({ msgtype: z.literal('markdown'), markdown: z.object({ content: z.string().min(1) }) }),
]);

/** POST /cgi-bin/webhook/send?key= — WeCom group robot. */
export function registerWecomRoutes(router: Router, sim: SimContext): void {
  router.post('/cgi-bin/webhook/send', faultMiddleware(sim.state, 'wecom'), (ctx) => {
    const key = typeof ctx.query.key === 'string' ? ctx.query.key : '';
    if (!key || (sim.wecomKeys && !sim.wecomKeys.includes(key))) {
      ctx.body = { errcode: 93000, errmsg: 'invalid webhook url' };
      return;
    }
    const parsed = RobotBody.safeParse(ctx.request.body);
    if (!parsed.success) {
      ctx.body = { errcode: 40008, errmsg: 'invalid message type' };
      return;
    }
    const msg = parsed.data;
    const content = msg.msgtype === 'text' ? msg.text.content : msg.markdown.content;
    if (Buffer.byteLength(content, 'utf8') > MAX_BYTES[msg.msgtype]) {
      ctx.body = {
        errcode: 40058,
        errmsg: `${msg.msgtype}.content exceed max length ${MAX_BYTES[msg.msgtype]}`,
      };
      return;
    }
    if (sim.state.wecomWindowFull(key, MESSAGES_PER_MINUTE)) {
      ctx.body = { errcode: 45009, errmsg: 'api freq out of limit' };
      return;
    }
    sim.state.wecomSent(key);
    sim.state.record({ kind: 'wecom', at: new Date().toISOString(), key, msgtype: msg.msgtype, content });
    ctx.body = { errcode: 0, errmsg: 'ok' };
  });
}
