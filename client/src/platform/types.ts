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

/** A picture chosen on the device, before it is uploaded. */
export interface LocalImage {
  /** A path the platform can upload and show (a temp file in WeChat, a blob: URL in a browser). */
  path: string;
  size: number;
}

export type ImageSource = 'camera' | 'album';

export interface UploadRequest {
  url: string;
  filePath: string;
  /** The multipart field that carries the file. */
  name: string;
  formData: Record<string, string>;
  header: Record<string, string>;
}

/** The raw answer of an upload: the body is the unparsed text, as `wx.uploadFile` gives it. */
export interface UploadResponse {
  statusCode: number;
  data: string;
}

/** A file to fetch from the API and hand to the user (an .xlsx export). */
export interface FileDownload {
  url: string;
  header: Record<string, string>;
  /** The name a browser saves it under. */
  fileName: string;
  /** What `wx.openDocument` opens it as. */
  fileType: 'xlsx' | 'pdf' | 'docx';
}

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
  /**
   * WeChat's cashier. Rejects with `PaymentOutcomeError` when WeChat says the customer cancelled or
   * the payment failed (a definite "not paid"); resolving only means the cashier was left.
   */
  requestPayment(params: PaymentParams): Promise<void>;
  /**
   * In a browser the pay page leaves this page and comes back: what it reported on the way back
   * (`cancel` / `fail`), read once; null when it reported nothing (and always in the mini-program,
   * where `requestPayment` rejects instead).
   */
  takePaymentReturn(): PaymentOutcome | null;
  requestSubscribeMessage(templateIds: string[]): Promise<Record<string, SubscribeDecision>>;
  scanCode(): Promise<string>;
  /** Camera or album (the user picks, or only `sources`); resolves empty when the user cancels. */
  chooseImages(options: { count: number; sources?: ImageSource[] }): Promise<LocalImage[]>;
  /** A multipart POST of one local file (`Taro.uploadFile`). Never throws on an HTTP error status. */
  uploadFile(request: UploadRequest): Promise<UploadResponse>;
  /** Full-screen viewer over `urls` (absolute or same-origin), opened at `current`. */
  previewImages(urls: string[], current?: string): Promise<void>;
  /**
   * Downloads a file and gives it to the user: WeChat opens it in its document viewer (share/save
   * from its menu), a browser saves it. Resolves with the HTTP status; nothing is opened unless 2xx.
   */
  openFile(download: FileDownload): Promise<number>;
  copyText(text: string): Promise<void>;
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

/** What WeChat's cashier can say for certain about a payment that did not happen. */
export type PaymentOutcome = 'cancel' | 'fail';

export class PaymentOutcomeError extends PlatformError {
  constructor(readonly outcome: PaymentOutcome) {
    super(outcome === 'cancel' ? '已取消支付' : '支付未完成，请重试');
    this.name = 'PaymentOutcomeError';
  }
}
