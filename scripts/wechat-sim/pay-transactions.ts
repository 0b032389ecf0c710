import type Router from '@koa/router';
import { z } from 'zod';
import type { SimContext } from './context';
import { PayError } from './pay-auth';
import type { Order } from './pay-store';
import { transactionView } from './pay-views';

const OUT_TRADE_NO = z.string().regex(/^[A-Za-z0-9_\-|*]{6,32}$/);

const JsapiBody = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  description: z.string().min(1).max(127),
  out_trade_no: OUT_TRADE_NO,
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: z
    .string()
    .url()
    .regex(/^https?:\/\//),
  goods_tag: z.string().optional(),
  amount: z.object({ total: z.number().int().positive(), currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1) }),
  detail: z.unknown().optional(),
  scene_info: z.unknown().optional(),
  settle_info: z.unknown().optional(),
});

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PayError(
    400,
    'PARAM_ERROR',
    `输入源“/body/${issue?.path.map(String).join('/') ?? ''}”映射到值字段“${String(issue?.path.at(-1) ?? '')}”字符串规则校验失败，${issue?.message ?? ''}`,
  );
}

function requireMchid(sim: SimContext, mchid: unknown): void {
  if (mchid !== sim.pay?.mchId) throw new PayError(400, 'PARAM_ERROR', 'mchid 与请求商户号不一致');
}

export function findOrder(sim: SimContext, outTradeNo: string): Order {
  const order = sim.payStore.orders.get(outTradeNo);
  if (!order) throw new PayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return order;
}

function createJsapiOrder(sim: SimContext, input: z.infer<typeof JsapiBody>): Order {
  if (input.appid !== sim.appId) throw new PayError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
  requireMchid(sim, input.mchid);
  const fingerprint = JSON.stringify(input);
  const existing = sim.payStore.orders.get(input.out_trade_no);
  if (existing) {
    if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND')
      throw new PayError(400, 'ORDERPAID', '该订单已支付');
    if (existing.trade_state === 'CLOSED') throw new PayError(400, 'ORDER_CLOSED', '订单已关闭');
    if (existing.fingerprint !== fingerprint)
      throw new PayError(400, 'INVALID_REQUEST', '201 商户订单号重复');
    return existing;
  }
  const order: Order = {
    appid: input.appid,
    mchid: input.mchid,
    description: input.description,
    out_trade_no: input.out_trade_no,
    notify_url: input.notify_url,
    attach: input.attach,
    total: input.amount.total,
    currency: input.amount.currency ?? 'CNY',
    openid: input.payer.openid,
    prepay_id: sim.payStore.newPrepayId(),
    fingerprint,
    trade_state: 'NOTPAY',
    refunded: 0,
    createdAt: new Date(),
  };
  sim.payStore.orders.set(order.out_trade_no, order);
  return order;
}

/** JSAPI prepay, order query (by out_trade_no or transaction_id) and close. */
export function registerTransactionRoutes(router: Router, sim: SimContext): void {
  router.post('/v3/pay/transactions/jsapi', (ctx) => {
    const order = createJsapiOrder(sim, parseOrThrow(JsapiBody, ctx.request.body));
    ctx.body = { prepay_id: order.prepay_id };
  });

  router.get('/v3/pay/transactions/out-trade-no/:no', (ctx) => {
    requireMchid(sim, ctx.query.mchid);
    ctx.body = transactionView(findOrder(sim, ctx.params.no!));
  });

  router.get('/v3/pay/transactions/id/:id', (ctx) => {
    requireMchid(sim, ctx.query.mchid);
    const order = sim.payStore.findByTransactionId(ctx.params.id!);
    if (!order) throw new PayError(404, 'ORDER_NOT_EXIST', '订单不存在');
    ctx.body = transactionView(order);
  });

  router.post('/v3/pay/transactions/out-trade-no/:no/close', (ctx) => {
    requireMchid(sim, (ctx.request.body as { mchid?: unknown } | undefined)?.mchid);
    const order = findOrder(sim, ctx.params.no!);
    if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND')
      throw new PayError(400, 'ORDERPAID', '该订单已支付');
    order.trade_state = 'CLOSED';
    ctx.status = 204;
  });
}
