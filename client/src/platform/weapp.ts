import Taro from '@tarojs/taro';
import { commonPlatform } from './common';
import { PaymentOutcomeError, PlatformError, type Platform, type SubscribeDecision } from './types';

export const weappPlatform: Platform = {
  ...commonPlatform,
  name: 'weapp',
  configure() {
    // The mini-program talks to WeChat itself; nothing to configure.
  },
  async login() {
    const { code } = await Taro.login();
    if (!code) throw new PlatformError('微信登录失败，请重试');
    return code;
  },
  async requestPayment({ timeStamp, nonceStr, package: pkg, signType, paySign }) {
    try {
      await Taro.requestPayment({ timeStamp, nonceStr, package: pkg, signType, paySign });
    } catch (error) {
      // WeChat rejects with { errMsg }, not an Error: say what happened in words the customer reads.
      throw new PaymentOutcomeError(isCancel(error) ? 'cancel' : 'fail');
    }
  },
  takePaymentReturn: () => null,
  async requestSubscribeMessage(templateIds) {
    const result = await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] });
    const decisions: Record<string, SubscribeDecision> = {};
    for (const id of templateIds) {
      const value = (result as unknown as Record<string, unknown>)[id];
      decisions[id] = typeof value === 'string' ? (value as SubscribeDecision) : 'reject';
    }
    return decisions;
  },
  async scanCode() {
    const { result } = await Taro.scanCode({ onlyFromCamera: false });
    return result;
  },
  async chooseImages({ count, sources = ['camera', 'album'] }) {
    try {
      // Compressed: a site photo needs to be legible, not 12 MP; uploads on a site's 4G stay short.
      const { tempFiles } = await Taro.chooseMedia({
        count,
        mediaType: ['image'],
        sourceType: sources,
        sizeType: ['compressed'],
      });
      return tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size }));
    } catch (error) {
      if (isCancel(error)) return [];
      throw new PlatformError('无法选择图片，请检查相机和相册权限');
    }
  },
  async openFile({ url, header, fileType }) {
    const { statusCode, tempFilePath } = await Taro.downloadFile({ url, header });
    if (statusCode < 200 || statusCode >= 300) return statusCode;
    await Taro.openDocument({ filePath: tempFilePath, fileType, showMenu: true });
    return statusCode;
  },
};

function isCancel(error: unknown): boolean {
  const errMsg = (error as { errMsg?: unknown } | null)?.errMsg;
  return typeof errMsg === 'string' && errMsg.includes('cancel');
}
