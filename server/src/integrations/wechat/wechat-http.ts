import { UpstreamError } from '../../core/errors';

/** Mini-program server APIs answer HTTP 200 with `errcode` on failure; 0 or absent means success. */
export interface WechatErrorBody {
  errcode?: number;
  errmsg?: string;
}

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat error ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

export interface WechatHttpOptions {
  baseUrl: string;
  timeoutMs: number;
}

/** GET/POST JSON to a WeChat API; network trouble and timeouts become UpstreamError, errcodes WechatApiError. */
export async function wechatRequest<T>(
  options: WechatHttpOptions,
  pathWithQuery: string,
  init?: { method?: 'GET' | 'POST'; body?: unknown },
): Promise<T> {
  const url = new URL(pathWithQuery, options.baseUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method: init?.method ?? 'GET',
      headers: init?.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw new UpstreamError('微信服务暂时无法连接，请稍后再试', { cause: (err as Error).name });
  }
  if (!response.ok)
    throw new UpstreamError('微信服务暂时不可用，请稍后再试', { httpStatus: response.status });
  const body = (await response.json()) as T & WechatErrorBody;
  if (body.errcode !== undefined && body.errcode !== 0)
    throw new WechatApiError(body.errcode, body.errmsg ?? '');
  return body;
}
