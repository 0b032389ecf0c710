import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import Koa, { type Context, type Next } from 'koa';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createControlRouter, simCors } from './control';
import type { PayConfig, SimContext } from './context';
import {
  completePlatformIdentity,
  generatePlatformIdentity,
  platformSignHeaders,
  type PlatformIdentity,
} from './crypto';
import { registerLoginRoutes } from './login';
import { certificateSerial, type RsaIdentity } from './merchant';
import { Notifier, type DeliveryResult } from './notify';
import { payMiddleware } from './pay';
import { simulatePayment } from './pay-simulate';
import { PayStore } from './pay-store';
import { SimState, type SimFault, type SimMessage } from './state';
import { registerSubscribeRoutes } from './subscribe';
import { registerTokenRoutes } from './token';
import { registerWecomRoutes } from './wecom';

export type { SimMessage, SimFault, SubscribeMessage, WecomMessage, SimEndpoint } from './state';
export type { PlatformIdentity } from './crypto';
export { generateMerchantIdentity, type RsaIdentity } from './merchant';

export interface WechatSimOptions {
  host?: string;
  port?: number;
  appId: string;
  appSecret: string;
  codeTtlSeconds?: number;
  tokenTtlSeconds?: number;
  pay?: PayConfig;
  wecomKeys?: string[];
  /** Delays between notification retries after a failed first attempt; default [200, 500, 1000]. */
  notifyRetryDelaysMs?: number[];
  /** Delay before a refund turns SUCCESS (and REFUND.SUCCESS is sent); default 100. */
  refundSettleMs?: number;
  /** Reuse a platform key/certificate (e.g. persisted by main.ts) instead of generating one. */
  platformIdentity?: RsaIdentity & { publicKeyId?: string };
}

export interface WechatSim {
  url: string;
  close(): Promise<void>;
  issueLoginCode(openid: string, opts?: { unionid?: string }): string;
  grantSubscription(openid: string, templateId: string, count?: number): void;
  messages(): SimMessage[];
  injectFault(f: SimFault): void;
  /** Same as POST /__sim/pay; `notify: false` pays without sending the notification (a lost one). */
  simulatePayment(outTradeNo: string, opts?: { notify?: boolean }): Promise<DeliveryResult>;
  platform: {
    serialNo: string;
    certPem: string;
    publicKeyPem: string;
    publicKeyId: string;
    privateKeyPem: string;
  };
}

/** Malformed JSON and other uncaught errors, answered in the wire format of the API that was called. */
async function wireErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    const status = (err as { status?: number }).status ?? 500;
    const message = status < 500 ? (err as Error).message : 'system error';
    if (ctx.path.startsWith('/v3/')) {
      ctx.status = status;
      ctx.body = { code: status < 500 ? 'PARAM_ERROR' : 'SYSTEM_ERROR', message };
    } else if (ctx.path.startsWith('/__sim/')) {
      ctx.status = status;
      ctx.body = { error: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL', message } };
    } else {
      ctx.status = 200;
      ctx.body =
        status < 500
          ? { errcode: 47001, errmsg: `data format error: ${message}` }
          : { errcode: -1, errmsg: 'system error' };
    }
  }
}

function listen(app: Koa, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export async function startWechatSim(opts: WechatSimOptions): Promise<WechatSim> {
  const host = opts.host ?? '127.0.0.1';
  const platform: PlatformIdentity = opts.platformIdentity
    ? completePlatformIdentity(opts.platformIdentity)
    : generatePlatformIdentity();
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  const sim: SimContext = {
    appId: opts.appId,
    appSecret: opts.appSecret,
    wecomKeys: opts.wecomKeys,
    state: new SimState({
      codeMs: (opts.codeTtlSeconds ?? 300) * 1000,
      tokenMs: (opts.tokenTtlSeconds ?? 7200) * 1000,
    }),
    platform,
    pay: opts.pay,
    merchantSerial: opts.pay ? certificateSerial(opts.pay.merchantCertPem) : '',
    payStore: new PayStore(),
    notifier: new Notifier(opts.notifyRetryDelaysMs ?? [200, 500, 1000], (body) =>
      platformSignHeaders(
        body,
        platform.privateKeyPem,
        opts.pay?.platformSerialMode === 'publicKey' ? platform.publicKeyId : platform.serialNo,
      ),
    ),
    baseUrl: () => baseUrl,
    refundSettleMs: opts.refundSettleMs ?? 100,
    defer(ms, task) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        task();
      }, ms);
      timers.add(timer);
    },
  };

  const miniProgram = new Router();
  registerLoginRoutes(miniProgram, sim);
  registerTokenRoutes(miniProgram, sim);
  registerSubscribeRoutes(miniProgram, sim);
  registerWecomRoutes(miniProgram, sim);
  const control = createControlRouter(sim);

  const app = new Koa();
  app.use(wireErrors);
  app.use(simCors);
  app.use(bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/json', 'text/plain'] } }));
  app.use(payMiddleware(sim));
  app.use(miniProgram.routes());
  app.use(control.routes());
  app.use(control.allowedMethods());

  const server = await listen(app, host, opts.port ?? 0);
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    async close() {
      sim.notifier.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
    issueLoginCode: (openid, o) => sim.state.issueLoginCode(openid, o?.unionid),
    grantSubscription: (openid, templateId, count) => sim.state.grantSubscription(openid, templateId, count),
    messages: () => sim.state.messages(),
    injectFault: (f) => sim.state.injectFault(f),
    simulatePayment: (outTradeNo, o) => simulatePayment(sim, outTradeNo, o),
    platform: {
      serialNo: platform.serialNo,
      certPem: platform.certPem,
      publicKeyPem: platform.publicKeyPem,
      publicKeyId: platform.publicKeyId,
      privateKeyPem: platform.privateKeyPem,
    },
  };
}
