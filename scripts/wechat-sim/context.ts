import type { PlatformIdentity } from './crypto';
import type { PayStore } from './pay-store';
import type { SimState } from './state';
import type { Notifier } from './notify';

export interface PayConfig {
  mchId: string;
  apiV3Key: string;
  merchantCertPem: string;
  /** 'certificate' (default) signs with the platform cert serial; 'publicKey' with PUB_KEY_ID_… */
  platformSerialMode?: 'certificate' | 'publicKey';
}

/** Everything a route module needs; built once by startWechatSim. */
export interface SimContext {
  appId: string;
  appSecret: string;
  wecomKeys?: string[];
  state: SimState;
  platform: PlatformIdentity;
  pay?: PayConfig;
  /** Serial of pay.merchantCertPem ('' without pay). */
  merchantSerial: string;
  payStore: PayStore;
  notifier: Notifier;
  baseUrl(): string;
  /** Delay before a refund turns SUCCESS and its notification is sent. */
  refundSettleMs: number;
  /** setTimeout that close() cancels. */
  defer(ms: number, task: () => void): void;
}

export function platformSerial(sim: SimContext): string {
  return sim.pay?.platformSerialMode === 'publicKey' ? sim.platform.publicKeyId : sim.platform.serialNo;
}
