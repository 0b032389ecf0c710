import { clientConfigSchema } from '@gantry/shared';
import type { AppConfig } from '../config';
import { defineRoute, type AnyRoute } from './route';

/** What the mini-program / H5 client needs to know at start-up. */
export function clientConfigRoute(config: Readonly<AppConfig>): AnyRoute {
  return defineRoute({
    method: 'get',
    path: '/client-config',
    summary: 'Client start-up settings',
    tags: ['meta'],
    auth: 'public',
    response: clientConfigSchema,
    handler: async () => ({ appName: config.appName, h5WechatBridgeUrl: config.h5.wechatBridgeUrl }),
  });
}
