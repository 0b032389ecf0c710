import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import type { SimContext } from './context';
import { PayError } from './pay-auth';
import { setBillEdits } from './pay-bill';
import { renderPayPage } from './pay-page';
import { simulatePayment } from './pay-simulate';

const LoginCodeBody = z.object({ openid: z.string().min(1), unionid: z.string().min(1).optional() });
const SubscriptionBody = z.object({
  openid: z.string().min(1),
  templateId: z.string().min(1),
  count: z.number().int().positive().optional(),
});
const PayBody = z.object({ out_trade_no: z.string().min(1) });
const BillEditsBody = z.object({
  extraOrders: z
    .array(
      z.object({
        out_trade_no: z.string().min(1),
        total: z.number().int().positive(),
        paidAt: z.string().min(1),
        transaction_id: z.string().optional(),
      }),
    )
    .default([]),
  extraRefunds: z
    .array(
      z.object({
        out_trade_no: z.string().min(1),
        out_refund_no: z.string().min(1),
        refund: z.number().int().positive(),
        succeededAt: z.string().min(1),
      }),
    )
    .default([]),
  drop: z.array(z.string()).default([]),
  amounts: z.record(z.string(), z.number().int()).default({}),
  corruptHash: z.boolean().default(false),
});
const FaultBody = z.object({
  endpoint: z.enum(['jscode2session', 'stable_token', 'subscribe', 'wecom', 'pay']),
  errcode: z.number().int().optional(),
  httpStatus: z.number().int().min(100).max(599).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  times: z.number().int().positive().optional(),
});

/** CORS for /__sim/* so that a page on another origin (the H5 client, a demo) can drive the sim. */
export async function simCors(ctx: Context, next: Next): Promise<void> {
  if (!ctx.path.startsWith('/__sim/')) return next();
  ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
  ctx.set('Vary', 'Origin');
  ctx.set('Access-Control-Allow-Methods', 'GET,POST,DELETE,OPTIONS');
  ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Content-Type');
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204;
    return;
  }
  try {
    await next();
  } catch (err) {
    if (err instanceof z.ZodError) {
      ctx.status = 400;
      ctx.body = {
        error: {
          code: 'VALIDATION',
          message: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        },
      };
    } else if (err instanceof PayError) {
      ctx.status = err.status;
      ctx.body = { error: { code: err.code, message: err.message } };
    } else throw err;
  }
}

/** Test and demo control API; none of it exists at WeChat. */
export function createControlRouter(sim: SimContext): Router {
  const router = new Router({ prefix: '/__sim' });
  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
  router.post('/login-code', (ctx) => {
    const { openid, unionid } = LoginCodeBody.parse(ctx.request.body);
    ctx.body = { code: sim.state.issueLoginCode(openid, unionid) };
  });
  router.post('/subscriptions', (ctx) => {
    const { openid, templateId, count } = SubscriptionBody.parse(ctx.request.body);
    sim.state.grantSubscription(openid, templateId, count);
    ctx.body = { ok: true };
  });
  router.get('/messages', (ctx) => {
    ctx.body = sim.state.messages();
  });
  router.delete('/messages', (ctx) => {
    sim.state.clearMessages();
    ctx.status = 204;
  });
  router.post('/faults', (ctx) => {
    sim.state.injectFault(FaultBody.parse(ctx.request.body));
    ctx.body = { ok: true };
  });
  router.delete('/faults', (ctx) => {
    sim.state.clearFaults();
    ctx.status = 204;
  });
  router.post('/pay', async (ctx) => {
    ctx.body = await simulatePayment(sim, PayBody.parse(ctx.request.body).out_trade_no);
  });
  router.post('/pay-bill-edits', (ctx) => {
    setBillEdits(sim, BillEditsBody.parse(ctx.request.body));
    ctx.body = { ok: true };
  });
  router.get('/pay-page', (ctx) => {
    const outTradeNo = typeof ctx.query.out_trade_no === 'string' ? ctx.query.out_trade_no : '';
    const ret =
      typeof ctx.query.return === 'string' && /^https?:\/\//.test(ctx.query.return) ? ctx.query.return : '';
    if (!outTradeNo) throw new PayError(400, 'PARAM_ERROR', 'out_trade_no is required');
    ctx.type = 'text/html';
    ctx.body = renderPayPage(outTradeNo, ret);
  });
  return router;
}
