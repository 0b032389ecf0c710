import type { AccessTokens } from './access-token';
import { fitSubscribeData } from './subscribe-fields';
import { WechatApiError, wechatRequest, type WechatHttpOptions } from './wechat-http';

export interface SubscribeMessage {
  openid: string;
  templateId: string;
  page?: string;
  data: Record<string, string>;
}

/** What a send came to, in our words: the notification worker decides retries from this. */
export type SendOutcome =
  | { ok: true; msgid?: string }
  | { ok: false; retry: boolean; code: string; message: string; clearGrant?: boolean };

export interface SubscribeMessages {
  send(message: SubscribeMessage): Promise<SendOutcome>;
}

const TOKEN_ERRORS = new Set([40001, 42001]);

export function createSubscribeMessages(
  tokens: AccessTokens,
  options: WechatHttpOptions & { miniprogramState: 'developer' | 'trial' | 'formal' },
): SubscribeMessages {
  const post = async (token: string, message: SubscribeMessage) =>
    wechatRequest<{ msgid?: string }>(
      options,
      `/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
      {
        method: 'POST',
        body: {
          touser: message.openid,
          template_id: message.templateId,
          page: message.page,
          data: fitSubscribeData(message.data),
          miniprogram_state: options.miniprogramState,
          lang: 'zh_CN',
        },
      },
    );

  return {
    async send(message) {
      let token = await tokens.get();
      try {
        try {
          return { ok: true, msgid: String((await post(token, message)).msgid ?? '') };
        } catch (err) {
          if (!(err instanceof WechatApiError && TOKEN_ERRORS.has(err.errcode))) throw err;
          await tokens.invalidate(token); // refreshed once, then the send is tried once more
          token = await tokens.get();
          return { ok: true, msgid: String((await post(token, message)).msgid ?? '') };
        }
      } catch (err) {
        return toOutcome(err);
      }
    },
  };
}

function toOutcome(err: unknown): SendOutcome {
  if (err instanceof WechatApiError) {
    const text = `${err.errcode} ${err.errmsg}`;
    if (err.errcode === 43101)
      return { ok: false, retry: false, clearGrant: true, code: 'NO_GRANT', message: text };
    if (err.errcode === 47003) return { ok: false, retry: false, code: 'FIELD_INVALID', message: text };
    if (err.errcode === 40003) return { ok: false, retry: false, code: 'OPENID_INVALID', message: text };
    if (TOKEN_ERRORS.has(err.errcode))
      return { ok: false, retry: true, code: 'TOKEN_INVALID', message: text };
    return {
      ok: false,
      retry: err.errcode === -1 || err.errcode === 45009,
      code: 'WECHAT_ERROR',
      message: text,
    };
  }
  return { ok: false, retry: true, code: 'UPSTREAM_UNAVAILABLE', message: (err as Error).message };
}
