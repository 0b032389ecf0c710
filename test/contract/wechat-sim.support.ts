import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WxPay from 'wechatpay-node-v3';
import { PayRequest } from 'wechatpay-node-v3/dist/lib/pay-request';

export const WECHAT_PAY_ORIGIN = 'https://api.mch.weixin.qq.com';

/**
 * The SDK's own HTTP layer (superagent) with the hard-coded WeChat origin rewritten to the
 * simulator, as a server adapter does with its configured base URL.
 */
export class RewritingPayRequest extends PayRequest {
  constructor(private readonly baseUrl: string) {
    super();
  }
  private rewrite(url: string): string {
    return url.startsWith(WECHAT_PAY_ORIGIN) ? this.baseUrl + url.slice(WECHAT_PAY_ORIGIN.length) : url;
  }
  override post(url: string, params: Record<string, any>, headers: Record<string, any>) {
    return super.post(this.rewrite(url), params, headers);
  }
  override get(url: string, headers: Record<string, any>) {
    return super.get(this.rewrite(url), headers);
  }
}

export function resetSdkCertificateCache(): void {
  (WxPay as unknown as { certificates: Record<string, string> }).certificates = {};
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

export async function postJson<T = any>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local notify_url receiver that answers with the queued statuses (then 200) and records requests. */
export class NotifyReceiver {
  readonly received: ReceivedRequest[] = [];
  private statuses: number[] = [];
  private waiters: Array<() => void> = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end(res.statusCode < 300 ? '' : JSON.stringify({ code: 'FAIL', message: 'not now' }));
        this.waiters.splice(0).forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
  }

  failNext(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} notifications, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received.slice(0, count);
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
