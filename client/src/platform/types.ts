/** Parameters of `wx.requestPayment` as the API hands them out (WeChat Pay v3 JSAPI). */
export interface PaymentParams {
  appId?: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA' | 'MD5' | 'HMAC-SHA256';
  paySign: string;
  /**
   * Our own order number for the payment. WeChat does not need it; the browser simulator's pay
   * page does, since it has no prepay session to look up.
   */
  outTradeNo?: string;
}

export type SubscribeDecision = 'accept' | 'reject' | 'ban' | 'filter';

export interface PlatformSettings {
  /** Browser only: the simulator that stands in for WeChat's login, pay and subscribe pages. */
  wechatBridgeUrl: string | null;
}

/**
 * Everything the client needs from WeChat or the host environment. Pages and services use this
 * interface only; one implementation per `TARO_ENV`.
 */
export interface Platform {
  readonly name: 'weapp' | 'h5';
  configure(settings: PlatformSettings): void;
  /** A one-time WeChat login code. In a browser the openid to simulate must be given. */
  login(openid?: string): Promise<string>;
  requestPayment(params: PaymentParams): Promise<void>;
  requestSubscribeMessage(templateIds: string[]): Promise<Record<string, SubscribeDecision>>;
  scanCode(): Promise<string>;
  storage: {
    get<T>(key: string): T | null;
    set(key: string, value: unknown): void;
    remove(key: string): void;
  };
  toast(message: string, kind?: 'none' | 'success' | 'error'): void;
  navigateTo(url: string): Promise<void>;
  redirectTo(url: string): Promise<void>;
  reLaunch(url: string): Promise<void>;
}

export class PlatformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformError';
  }
}
