import type { ClientConfig } from '@gantry/shared';
import { platform } from '../platform';
import { getClientConfig } from '../services/config';

let loading: Promise<ClientConfig> | null = null;

/** Loads `/client-config` once per app start and hands the WeChat bridge to the platform adapter. */
export function loadClientConfig(): Promise<ClientConfig> {
  loading ??= getClientConfig().then(
    (config) => {
      platform.configure({ wechatBridgeUrl: config.h5WechatBridgeUrl });
      return config;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
