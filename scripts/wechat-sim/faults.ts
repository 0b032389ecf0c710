import type { Context, Next } from 'koa';
import type { SimEndpoint, SimState } from './state';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies an injected fault: waits `delayMs`, then answers with the asked errcode/status, or lets
 * the request through when the fault is a pure delay.
 */
export function faultMiddleware(state: SimState, endpoint: SimEndpoint) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const fault = state.takeFault(endpoint);
    if (!fault) return next();
    if (fault.delayMs) await sleep(fault.delayMs);
    // A caller that hung up during the delay never finished its request: like a connection cut
    // before WeChat read it, nothing is processed (tests kill workers mid-delivery this way).
    const socket = ctx.req.socket;
    if (socket.destroyed || socket.readableEnded) {
      ctx.respond = false;
      return;
    }
    if (fault.errcode === undefined && fault.httpStatus === undefined) return next();
    if (endpoint === 'pay') {
      ctx.status = fault.httpStatus ?? 500;
      ctx.body = {
        code: 'SYSTEM_ERROR',
        message: `系统错误 (simulated fault${fault.errcode !== undefined ? ` ${fault.errcode}` : ''})`,
      };
      return;
    }
    ctx.status = fault.httpStatus ?? 200;
    ctx.body = {
      errcode: fault.errcode ?? -1,
      errmsg: fault.errcode === -1 || fault.errcode === undefined ? 'system error' : 'simulated fault',
    };
  };
}
