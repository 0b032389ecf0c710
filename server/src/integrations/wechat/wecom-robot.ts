import { WechatApiError, wechatRequest, type WechatHttpOptions } from './wechat-http';
import type { SendOutcome } from './subscribe';

export interface WecomRobot {
  sendMarkdown(robotKey: string, markdown: string): Promise<SendOutcome>;
}

const MARKDOWN_MAX_BYTES = 4096;

/** Cuts at a character boundary so the UTF-8 body stays within WeCom's 4096 bytes. */
export function fitMarkdown(text: string): string {
  if (Buffer.byteLength(text) <= MARKDOWN_MAX_BYTES) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch + '…') > MARKDOWN_MAX_BYTES) break;
    out += ch;
  }
  return `${out}…`;
}

/** WeCom group robot webhook (markdown). Rate limiting (20 a minute) is the caller's business. */
export function createWecomRobot(options: WechatHttpOptions): WecomRobot {
  return {
    async sendMarkdown(robotKey, markdown) {
      try {
        await wechatRequest(options, `/cgi-bin/webhook/send?key=${encodeURIComponent(robotKey)}`, {
          method: 'POST',
          body: { msgtype: 'markdown', markdown: { content: fitMarkdown(markdown) } },
        });
        return { ok: true };
      } catch (err) {
        if (err instanceof WechatApiError) {
          const retry = err.errcode === 45009 || err.errcode === -1;
          return {
            ok: false,
            retry,
            code: retry ? 'RATE_LIMITED' : 'WECOM_ERROR',
            message: `${err.errcode} ${err.errmsg}`,
          };
        }
        return { ok: false, retry: true, code: 'UPSTREAM_UNAVAILABLE', message: (err as Error).message };
      }
    },
  };
}
