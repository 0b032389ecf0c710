import { AppError, UnauthorizedError, UpstreamError } from '../../core/errors';
import { WechatApiError, wechatRequest, type WechatHttpOptions } from './wechat-http';

/** Who WeChat says signed in. The session_key stays here: nothing in Gantry needs it yet. */
export interface WechatIdentity {
  openid: string;
  unionid: string | null;
}

export interface WechatLogin {
  codeToSession(code: string): Promise<WechatIdentity>;
}

interface Code2SessionBody {
  openid: string;
  session_key: string;
  unionid?: string;
}

/** code2session: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html */
export function createWechatLogin(
  options: WechatHttpOptions & { appId: string; appSecret: string },
): WechatLogin {
  return {
    async codeToSession(code) {
      const query = new URLSearchParams({
        appid: options.appId,
        secret: options.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      });
      try {
        const body = await wechatRequest<Code2SessionBody>(options, `/sns/jscode2session?${query}`);
        return { openid: body.openid, unionid: body.unionid ?? null };
      } catch (err) {
        throw mapLoginError(err);
      }
    },
  };
}

function mapLoginError(err: unknown): unknown {
  if (!(err instanceof WechatApiError)) return err;
  switch (err.errcode) {
    case 40029:
    case 40163:
      return new UnauthorizedError('WECHAT_CODE_INVALID');
    case 45011:
      return new AppError('RATE_LIMITED', '微信登录过于频繁，请稍后再试');
    case 40226:
      return new AppError('FORBIDDEN', '微信判定该账号存在风险，暂不能登录');
    default:
      return new UpstreamError('微信登录暂时不可用，请稍后再试', { errcode: err.errcode });
  }
}
