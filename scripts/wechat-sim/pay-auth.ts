import type { Context, Next } from 'koa';
import { platformSignHeaders, rsaVerify } from './crypto';
import { platformSerial, type SimContext } from './context';
import { sameSerial } from './merchant';

/** A WeChat Pay v3 error: HTTP status + `{ code, message }`. */
export class PayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CLOCK_SKEW_SECONDS = 300;

function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  const prefix = 'WECHATPAY2-SHA256-RSA2048 ';
  if (!header?.startsWith(prefix)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(prefix.length).matchAll(/(\w+)="([^"]*)"/g)) fields[match[1]!] = match[2]!;
  return fields;
}

/**
 * Outermost /v3 middleware: turns PayErrors into `{code, message}` and signs every response body
 * with the platform key (`TIMESTAMP\nNONCE\nBODY\n`), as WeChat does.
 */
export function signResponses(sim: SimContext) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const known = err instanceof PayError ? err : new PayError(500, 'SYSTEM_ERROR', '系统错误');
      ctx.status = known.status;
      ctx.body = { code: known.code, message: known.message };
    }
    if (ctx.type === 'text/plain') return; // bill downloads are not signed
    const body =
      ctx.body === undefined || ctx.body === null || ctx.status === 204
        ? ''
        : typeof ctx.body === 'string'
          ? ctx.body
          : JSON.stringify(ctx.body);
    if (body !== '') {
      const status = ctx.status;
      ctx.body = body;
      ctx.type = 'application/json';
      ctx.status = status;
    }
    ctx.set({ ...platformSignHeaders(body, sim.platform.privateKeyPem, platformSerial(sim)) });
    ctx.set('Request-ID', `sim-${Date.now().toString(36)}`);
  };
}

/**
 * Verifies `Authorization: WECHATPAY2-SHA256-RSA2048 …` against the merchant certificate.
 * The message is `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY\n`; the SDK signs absolute URLs that
 * are not api.mch.weixin.qq.com (our bill download URL) verbatim, so that form is accepted too.
 */
export function verifyRequests(sim: SimContext) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const pay = sim.pay;
    if (!pay) throw new PayError(404, 'NOT_FOUND', 'WeChat Pay is not configured in this simulator');
    const auth = parseAuthorization(ctx.get('Authorization'));
    if (!auth?.signature || !auth.nonce_str || !auth.timestamp || !auth.serial_no || !auth.mchid) {
      throw new PayError(401, 'SIGN_ERROR', 'Authorization header missing or malformed');
    }
    if (auth.mchid !== pay.mchId)
      throw new PayError(401, 'SIGN_ERROR', 'mchid in Authorization does not match');
    if (!sameSerial(auth.serial_no, sim.merchantSerial))
      throw new PayError(401, 'SIGN_ERROR', 'serial_no is not the merchant certificate serial');
    if (Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      throw new PayError(401, 'SIGN_ERROR', 'timestamp is more than 5 minutes off');
    }
    const rawBody = ctx.request.rawBody ?? '';
    const candidates = [ctx.originalUrl, `${sim.baseUrl()}${ctx.originalUrl}`];
    const valid = candidates.some((url) =>
      rsaVerify(
        `${ctx.method}\n${url}\n${auth.timestamp}\n${auth.nonce_str}\n${rawBody}\n`,
        auth.signature!,
        pay.merchantCertPem,
      ),
    );
    if (!valid) throw new PayError(401, 'SIGN_ERROR', '签名错误，请检查后再试');
    await next();
  };
}
