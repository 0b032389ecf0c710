import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import { createWechatPay, type WechatPay } from '../../integrations/wechat/pay';
import { PayNotifyVerifier } from '../../integrations/wechat/pay-notify';
import type { PortalAccountModel } from '../auth/portal-account.model';
import type { InvoiceService } from '../contracts/invoice.service';
import type { MongoPaymentLedger } from './payment-ledger';
import { paymentNotifyHandler, NOTIFY_PATHS } from './payment-notify.handler';
import { FollowUpQueue } from './follow-up-queue';
import { PaymentSettleJob } from './payment-settle.job';
import { PaymentSettlement } from './payment-settlement';
import { paymentRoutes } from './payment.routes';
import { PaymentService } from './payment.service';
import type { PaymentsConfig } from './payments.config';
import type { paymentsModels } from './payments.models';
import { RefundService } from './refund.service';

export interface PaymentsModuleDeps extends ReturnType<typeof paymentsModels> {
  portalAccounts: PortalAccountModel;
  ledger: MongoPaymentLedger;
  invoices: Pick<InvoiceService, 'getPayable' | 'recalculate'>;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: PaymentsConfig;
  wechat: { appId: string; timeoutMs: number };
  publicUrl: string;
  /** Tests may hand in their own adapter (it still speaks to the simulator). */
  pay?: WechatPay | null;
}

type WechatPayConfig = NonNullable<PaymentsConfig['wechatPay']>;
const publicKeyOf = (wp: WechatPayConfig) =>
  wp.platformPublicKeyId && wp.platformPublicKeyPem
    ? { id: wp.platformPublicKeyId, pem: wp.platformPublicKeyPem }
    : null;

/** WeChat Pay payments and refunds: services, routes, the notification webhook and the settle job. */
export function createPaymentsModule(d: PaymentsModuleDeps) {
  const wp = d.config.wechatPay;
  const notifyUrl = wp?.notifyUrl ?? `${d.publicUrl.replace(/\/$/, '')}${NOTIFY_PATHS[0]}`;
  const refundNotifyUrl = notifyUrl.replace(/\/notify$/, '/refund-notify');
  const pay =
    d.pay !== undefined
      ? d.pay
      : wp
        ? createWechatPay({
            ...wp,
            appId: d.wechat.appId,
            timeoutMs: d.wechat.timeoutMs,
            notifyUrl,
            platformPublicKey: publicKeyOf(wp),
          })
        : null;
  const verifier =
    pay && wp
      ? new PayNotifyVerifier(pay, {
          apiV3Key: wp.apiV3Key,
          platformPublicKey: publicKeyOf(wp),
          maxSkewSeconds: d.config.notifyMaxSkewSeconds,
        })
      : null;
  const merchant = { appId: d.wechat.appId, mchId: wp?.mchId ?? '' };
  const settlement = new PaymentSettlement({ ...d, merchant });
  const payments = new PaymentService({
    ...d,
    settlement,
    pay,
    orderExpireMinutes: d.config.orderExpireMinutes,
  });
  const refunds = new RefundService({
    ...d,
    pay,
    approvalThreshold: d.config.refundApprovalThreshold,
    notifyUrl: refundNotifyUrl,
    mchId: merchant.mchId,
  });
  const settleJob = new PaymentSettleJob({
    ...d,
    settlement,
    refundService: refunds,
    pay,
    settleAfterSeconds: d.config.settleAfterSeconds,
    orderExpireMinutes: d.config.orderExpireMinutes,
  });
  return {
    services: { payments, refunds, paymentSettlement: settlement, paymentSettleJob: settleJob },
    routes: paymentRoutes(payments, refunds),
    /** Raw-body webhook, mounted before the JSON body parser. */
    webhook: paymentNotifyHandler({
      verifier,
      settlement,
      refunds,
      followUps: new FollowUpQueue(d.logger),
      logger: d.logger,
      concurrency: d.config.notifyConcurrency,
      maxWaiting: d.config.notifyMaxWaiting,
    }),
    pay,
  };
}
