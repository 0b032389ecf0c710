import type Router from '@koa/router';
import type { Context } from 'koa';
import { createHash, randomBytes } from 'node:crypto';
import type { SimContext } from './context';
import { PayError } from './pay-auth';
import type { Order, Refund } from './pay-store';
import { cstBillTime, cstDay } from './time';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const FEE_RATE = 0.006;

const yuan = (fen: number) => (fen / 100).toFixed(2);
const fee = (fen: number) => Math.round(fen * FEE_RATE);
const line = (fields: Array<string | number>) => fields.map((f) => `\`${f}`).join(',');

interface Totals {
  rows: number;
  settled: number;
  refunded: number;
  fees: number;
  ordered: number;
  refundApplied: number;
}

function paymentRow(o: Order, t: Totals): string {
  t.rows += 1;
  t.settled += o.total;
  t.fees += fee(o.total);
  t.ordered += o.total;
  return line([
    cstBillTime(o.paidAt!),
    o.appid,
    o.mchid,
    '0',
    '',
    o.transaction_id!,
    o.out_trade_no,
    o.openid,
    'JSAPI',
    'SUCCESS',
    'OTHERS',
    'CNY',
    yuan(o.total),
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    o.description,
    o.attach ?? '',
    yuan(fee(o.total)),
    '0.60%',
    yuan(o.total),
    '0.00',
    '',
  ]);
}

function refundRow(r: Refund, o: Order, t: Totals): string {
  t.rows += 1;
  t.refunded += r.refund;
  t.fees -= fee(r.refund);
  t.refundApplied += r.refund;
  return line([
    cstBillTime(r.succeededAt!),
    o.appid,
    o.mchid,
    '0',
    '',
    r.transaction_id,
    r.out_trade_no,
    o.openid,
    'JSAPI',
    'REFUND',
    'OTHERS',
    'CNY',
    '0.00',
    '0.00',
    r.refund_id,
    r.out_refund_no,
    yuan(r.refund),
    '0.00',
    'ORIGINAL',
    'SUCCESS',
    o.description,
    o.attach ?? '',
    yuan(-fee(r.refund)),
    '0.60%',
    '0.00',
    yuan(r.refund),
    '',
  ]);
}

/**
 * Test control (POST /__sim/pay-bill-edits): trades that exist only in the bill, orders left out of
 * it, amounts printed differently, and a wrong hash_value — to exercise a reconciliation.
 */
export interface BillEdits {
  extraOrders: Array<{ out_trade_no: string; total: number; paidAt: string; transaction_id?: string }>;
  extraRefunds: Array<{ out_trade_no: string; out_refund_no: string; refund: number; succeededAt: string }>;
  drop: string[];
  amounts: Record<string, number>;
  corruptHash: boolean;
}
const billEdits = new WeakMap<SimContext, BillEdits>();

export function setBillEdits(sim: SimContext, edits: Partial<BillEdits>): void {
  billEdits.set(sim, {
    extraOrders: [],
    extraRefunds: [],
    drop: [],
    amounts: {},
    corruptHash: false,
    ...edits,
  });
}

function editedOrders(sim: SimContext): Order[] {
  const edits = billEdits.get(sim);
  const orders = [...sim.payStore.orders.values()].filter((o) => !edits?.drop.includes(o.out_trade_no));
  for (const x of edits?.extraOrders ?? [])
    orders.push({
      appid: sim.appId,
      mchid: sim.pay?.mchId ?? '',
      description: '账单注入',
      out_trade_no: x.out_trade_no,
      notify_url: '',
      total: x.total,
      currency: 'CNY',
      openid: 'o_bill_edit',
      prepay_id: '',
      fingerprint: '',
      trade_state: 'SUCCESS',
      transaction_id: x.transaction_id ?? sim.payStore.newTransactionId(),
      paidAt: new Date(x.paidAt),
      refunded: 0,
      createdAt: new Date(x.paidAt),
    });
  const amounts = edits?.amounts ?? {};
  return orders.map((o) =>
    amounts[o.out_trade_no] === undefined ? o : { ...o, total: amounts[o.out_trade_no]! },
  );
}

function editedRefunds(sim: SimContext, orders: Order[]): Array<{ r: Refund; o: Order }> {
  const byNo = new Map(orders.map((o) => [o.out_trade_no, o]));
  const out: Array<{ r: Refund; o: Order }> = [];
  for (const r of sim.payStore.refunds.values()) {
    const o = byNo.get(r.out_trade_no);
    if (o && !billEdits.get(sim)?.drop.includes(r.out_refund_no)) out.push({ r, o });
  }
  for (const x of billEdits.get(sim)?.extraRefunds ?? []) {
    const o = byNo.get(x.out_trade_no);
    if (!o) continue;
    const at = new Date(x.succeededAt);
    out.push({
      o,
      r: {
        refund_id: sim.payStore.newRefundId(),
        out_refund_no: x.out_refund_no,
        out_trade_no: x.out_trade_no,
        transaction_id: o.transaction_id ?? '',
        refund: x.refund,
        total: o.total,
        currency: 'CNY',
        status: 'SUCCESS',
        fingerprint: '',
        createdAt: at,
        succeededAt: at,
      },
    });
  }
  return out;
}

/** The ALL/SUCCESS/REFUND trade bill of one UTC+8 day, or undefined when the day has no trades. */
export function renderTradeBill(sim: SimContext, day: string, billType: string): string | undefined {
  const totals: Totals = { rows: 0, settled: 0, refunded: 0, fees: 0, ordered: 0, refundApplied: 0 };
  const rows: string[] = [];
  const orders = editedOrders(sim);
  if (billType !== 'REFUND') {
    for (const o of orders) if (o.paidAt && cstDay(o.paidAt) === day) rows.push(paymentRow(o, totals));
  }
  if (billType !== 'SUCCESS') {
    for (const { r, o } of editedRefunds(sim, orders))
      if (r.status === 'SUCCESS' && cstDay(r.succeededAt!) === day) rows.push(refundRow(r, o, totals));
  }
  if (rows.length === 0) return undefined;
  const summary = line([
    totals.rows,
    yuan(totals.settled),
    yuan(totals.refunded),
    '0.00',
    yuan(totals.fees),
    yuan(totals.ordered),
    yuan(totals.refundApplied),
  ]);
  return [HEADER, ...rows, SUMMARY_HEADER, summary, ''].join('\r\n');
}

function validBillDate(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00+08:00`))
  ) {
    throw new PayError(400, 'PARAM_ERROR', 'bill_date 格式应为 YYYY-MM-DD');
  }
  // Real WeChat serves a day's bill after 10:00 the next day; the simulator also serves today's so far.
  if (value > cstDay(new Date())) throw new PayError(400, 'PARAM_ERROR', 'bill_date 不能晚于当前日期');
  return value;
}

/** GET /v3/bill/tradebill → hash + download_url; the download itself is plain text and unsigned. */
export function registerBillRoutes(router: Router, sim: SimContext): void {
  router.get('/v3/bill/tradebill', (ctx) => {
    const day = validBillDate(ctx.query.bill_date);
    const billType = typeof ctx.query.bill_type === 'string' ? ctx.query.bill_type : 'ALL';
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType))
      throw new PayError(400, 'PARAM_ERROR', 'bill_type 取值错误');
    if (ctx.query.tar_type)
      throw new PayError(400, 'PARAM_ERROR', 'the simulator serves uncompressed bills only (omit tar_type)');
    const text = renderTradeBill(sim, day, billType);
    if (text === undefined) throw new PayError(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const token = randomBytes(16).toString('hex');
    sim.payStore.bills.set(token, text);
    const hashed = billEdits.get(sim)?.corruptHash ? `${text}tampered` : text;
    ctx.body = {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(hashed, 'utf8').digest('hex'),
      download_url: `${sim.baseUrl()}/v3/billdownload/file?token=${token}`,
    };
  });

  router.get('/v3/billdownload/file', (ctx) => {
    const text = typeof ctx.query.token === 'string' ? sim.payStore.bills.get(ctx.query.token) : undefined;
    if (text === undefined) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '账单下载链接无效或已过期');
    ctx.type = 'text/plain';
    const cut = sim.state.takeFault('billdownload')?.cutAfterBytes;
    if (cut !== undefined) return cutMidBody(ctx, Buffer.from(text, 'utf8'), cut);
    ctx.body = text;
  });
}

/** A download that dies part way, as a dropped connection does: headers promise more than arrives. */
function cutMidBody(ctx: Context, bytes: Buffer, after: number): void {
  ctx.respond = false;
  ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': bytes.length });
  ctx.res.write(bytes.subarray(0, after), () => setTimeout(() => ctx.req.socket.destroy(), 20));
}
