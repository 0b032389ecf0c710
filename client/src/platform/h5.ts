import { commonPlatform } from './common';
import { saveInBrowser } from './h5-files';
import { chooseImagesInBrowser, uploadInBrowser } from './h5-images';
import { PlatformError, type PaymentOutcome, type Platform, type SubscribeDecision } from './types';

/**
 * In a browser there is no WeChat: the simulator's bridge issues login codes, shows a pay page and
 * records subscribe grants. Taro's own H5 stubs of these APIs must never be used, because they
 * "succeed" without doing anything.
 */
let bridgeUrl: string | null = null;

/** The simulator grants subscriptions per openid; the browser remembers which one it signed in as. */
const SIM_OPENID_KEY = 'gantry.sim.openid';

/**
 * How the simulated WeChat user answers the subscribe dialog: `accept` (default) or `reject`, set as a
 * raw localStorage value by a demo or a browser test to play a user who refuses.
 */
export const SIM_SUBSCRIBE_DECISION_KEY = 'gantry.sim.subscribeDecision';

function simulatedDecision(): SubscribeDecision {
  return window.localStorage.getItem(SIM_SUBSCRIBE_DECISION_KEY) === 'reject' ? 'reject' : 'accept';
}

function bridge(): string {
  if (!bridgeUrl) throw new PlatformError('当前环境未配置微信模拟服务，无法使用微信功能');
  return bridgeUrl.replace(/\/+$/, '');
}

async function postToBridge<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${bridge()}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new PlatformError('无法连接微信模拟服务');
  }
  if (!response.ok) throw new PlatformError(`微信模拟服务出错（${response.status}）`);
  return (await response.json()) as T;
}

/** The query parameter the simulator's pay page adds to the way back (`cancel` or `fail`). */
const PAY_RETURN_PARAM = 'wxpay';

/** Reads and removes the pay page's report from the hash route's query, so a reload does not repeat it. */
function takePaymentReturn(): PaymentOutcome | null {
  const [route, query = ''] = window.location.hash.split('?');
  const params = new URLSearchParams(query);
  const value = params.get(PAY_RETURN_PARAM);
  if (value === null) return null;
  params.delete(PAY_RETURN_PARAM);
  const rest = params.toString();
  window.history.replaceState(window.history.state, '', `${route}${rest ? `?${rest}` : ''}`);
  return value === 'cancel' || value === 'fail' ? value : null;
}

export const h5Platform: Platform = {
  ...commonPlatform,
  name: 'h5',
  configure(settings) {
    bridgeUrl = settings.wechatBridgeUrl;
  },
  async login(openid) {
    if (!openid) throw new PlatformError('请输入微信 openid');
    const { code } = await postToBridge<{ code?: string }>('/__sim/login-code', { openid });
    if (!code) throw new PlatformError('微信模拟服务未返回登录凭证');
    commonPlatform.storage.set(SIM_OPENID_KEY, openid);
    return code;
  },
  async requestPayment(params) {
    if (!params.outTradeNo) throw new PlatformError('缺少订单号，无法打开模拟支付页');
    const query = new URLSearchParams({ out_trade_no: params.outTradeNo, return: window.location.href });
    // Like WeChat's cashier, the pay page takes over and comes back here; the server's records
    // (not this promise) say whether the payment happened.
    window.location.assign(`${bridge()}/__sim/pay-page?${query.toString()}`);
  },
  takePaymentReturn,
  async requestSubscribeMessage(templateIds) {
    const openid = commonPlatform.storage.get<string>(SIM_OPENID_KEY);
    if (!openid) throw new PlatformError('请先使用微信登录');
    const decision = simulatedDecision();
    const decisions: Record<string, SubscribeDecision> = {};
    for (const templateId of templateIds) {
      // A refusal grants nothing at WeChat: the simulator is told only of accepts.
      if (decision === 'accept') await postToBridge('/__sim/subscriptions', { openid, templateId, count: 1 });
      decisions[templateId] = decision;
    }
    return decisions;
  },
  async scanCode() {
    const value = window.prompt('请输入二维码内容（浏览器模拟扫码）');
    if (!value) throw new PlatformError('已取消扫码');
    return value;
  },
  chooseImages: chooseImagesInBrowser,
  uploadFile: uploadInBrowser,
  openFile: saveInBrowser,
};
