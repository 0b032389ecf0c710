import type { Platform } from './types';

export type {
  FileDownload,
  ImageSource,
  LocalImage,
  PaymentOutcome,
  PaymentParams,
  Platform,
  PlatformSettings,
  SubscribeDecision,
  UploadRequest,
  UploadResponse,
} from './types';
export { PaymentOutcomeError, PlatformError } from './types';

/**
 * `process.env.TARO_ENV` is replaced at build time, so webpack drops the other target's module
 * from the bundle: the mini-program never ships the browser bridge and vice versa.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a static import would bundle both targets */
export const platform: Platform =
  process.env.TARO_ENV === 'h5' ? require('./h5').h5Platform : require('./weapp').weappPlatform;
/* eslint-enable @typescript-eslint/no-require-imports */
