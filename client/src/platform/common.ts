import Taro from '@tarojs/taro';
import type { Platform } from './types';

/** The parts of the platform that Taro implements the same way on every target. */
export const commonPlatform: Pick<
  Platform,
  'storage' | 'toast' | 'navigateTo' | 'redirectTo' | 'reLaunch' | 'uploadFile' | 'previewImages' | 'copyText'
> = {
  storage: {
    get<T>(key: string): T | null {
      const value: unknown = Taro.getStorageSync(key);
      return value === '' || value === undefined || value === null ? null : (value as T);
    },
    set(key, value) {
      Taro.setStorageSync(key, value);
    },
    remove(key) {
      Taro.removeStorageSync(key);
    },
  },
  toast(message, kind = 'none') {
    void Taro.showToast({ title: message, icon: kind, duration: 2500 });
  },
  async navigateTo(url) {
    await Taro.navigateTo({ url });
  },
  async redirectTo(url) {
    await Taro.redirectTo({ url });
  },
  async reLaunch(url) {
    await Taro.reLaunch({ url });
  },
  async uploadFile({ url, filePath, name, formData, header }) {
    const { statusCode, data } = await Taro.uploadFile({ url, filePath, name, formData, header });
    return { statusCode, data: typeof data === 'string' ? data : JSON.stringify(data) };
  },
  async previewImages(urls, current) {
    if (urls.length === 0) return;
    await Taro.previewImage({ urls, current: current ?? urls[0] });
  },
  async copyText(text) {
    await Taro.setClipboardData({ data: text });
  },
};
