import type { Logger } from '../../core/logger';
import { PayApiError, type WechatPay } from '../../integrations/wechat/pay';
import { paymentLedgerKey, refundLedgerKey, type MongoPaymentLedger } from './payment-ledger';
import type { PaymentSettlement } from './payment-settlement';
import type { PaymentDoc, PaymentModel } from './payment.model';
import type { RefundDoc, RefundModel } from './refund.model';
import type { RefundService } from './refund.service';

export interface SettleJobDeps {
  payments: PaymentModel;
  refunds: RefundModel;
  ledger: Pick<MongoPaymentLedger, 'entry'>;
  settlement: PaymentSettlement;
  refundService: RefundService;
  pay: WechatPay | null;
  logger: Logger;
  settleAfterSeconds: number;
  orderExpireMinutes: number;
}

const BATCH = 200;

/**
 * `payments.settle-unpaid`: so that a lost notification loses nothing. Orders still `created` after
 * a few minutes are queried at WeChat and settled by the notification's own code path, or closed
 * once expired; refunds still processing are queried (or asked again); follow-up work owed by a
 * process that died after answering a notification is finished.
 */
export class PaymentSettleJob {
  constructor(private readonly d: SettleJobDeps) {}

  async run(
    now = new Date(),
  ): Promise<{ settled: number; closed: number; refunds: number; finished: number }> {
    const out = { settled: 0, closed: 0, refunds: 0, finished: 0 };
    if (!this.d.pay) return out;
    const before = new Date(now.getTime() - this.d.settleAfterSeconds * 1000);
    const open = await this.d.payments
      .find({ status: 'created', createdAt: { $lte: before } })
      .limit(BATCH)
      .lean<PaymentDoc[]>();
    for (const p of open) {
      // Settled already (its notification was answered) but the process died before the follow-up.
      if (await this.d.ledger.entry(paymentLedgerKey(p.outTradeNo))) {
        const done = await this.d.settlement.finish(String(p._id)).then(
          () => true,
          (err: unknown) => {
            this.d.logger.warn(
              { err, outTradeNo: p.outTradeNo },
              'settle: follow-up failed; next run retries',
            );
            return false;
          },
        );
        if (done) out.finished += 1;
        continue;
      }
      const r = await this.settleOne(this.d.pay, p, now).catch((err) => {
        this.d.logger.warn({ err, outTradeNo: p.outTradeNo }, 'settle: order query failed');
        return null;
      });
      if (r === 'settled') out.settled += 1;
      if (r === 'closed') out.closed += 1;
    }
    out.refunds = await this.settleRefunds(this.d.pay, before);
    out.finished += await this.finishOwed(before);
    return out;
  }

  private async settleOne(pay: WechatPay, p: PaymentDoc, now: Date): Promise<'settled' | 'closed' | null> {
    const tx = await pay.queryOrder(p.outTradeNo);
    if (tx && (tx.state === 'SUCCESS' || tx.state === 'REFUND')) {
      const { payment } = await this.d.settlement.settle(tx);
      await this.d.settlement.finish(String(payment._id));
      return 'settled';
    }
    const expired = now.getTime() - new Date(p.createdAt).getTime() > this.d.orderExpireMinutes * 60_000;
    if (!tx || tx.state === 'CLOSED' || tx.state === 'PAYERROR' || expired) {
      if (tx && tx.state !== 'CLOSED') {
        try {
          await pay.closeOrder(p.outTradeNo);
        } catch (err) {
          if (err instanceof PayApiError && err.code === 'ORDERPAID') return null; // paid meanwhile: next run settles it
          throw err;
        }
      }
      await this.d.payments.updateOne(
        { _id: p._id, status: 'created' },
        { $set: { status: 'closed', closedAt: now } },
      );
      return 'closed';
    }
    return null;
  }

  private async settleRefunds(pay: WechatPay, before: Date): Promise<number> {
    const processing = await this.d.refunds
      .find({ status: 'processing', updatedAt: { $lte: before } })
      .limit(BATCH)
      .lean<RefundDoc[]>();
    let n = 0;
    for (const r of processing) {
      try {
        if (await this.d.ledger.entry(refundLedgerKey(r.outRefundNo))) {
          await this.d.refundService.finish(String(r._id));
          n += 1;
          continue;
        }
        const gr = await pay.queryRefund(r.outRefundNo);
        if (!gr)
          await this.d.refundService.execute(r); // never reached WeChat: ask again (same out_refund_no)
        else {
          const { refund } = await this.d.refundService.apply(gr);
          await this.d.refundService.finish(String(refund._id));
        }
        n += 1;
      } catch (err) {
        this.d.logger.warn({ err, outRefundNo: r.outRefundNo }, 'settle: refund query failed');
      }
    }
    return n;
  }

  private async finishOwed(before: Date): Promise<number> {
    const payments = await this.d.payments
      .find({ effectsDoneAt: null, status: 'paid', updatedAt: { $lte: before } })
      .limit(BATCH)
      .lean<PaymentDoc[]>();
    for (const p of payments) await this.d.settlement.finish(String(p._id));
    const refunds = await this.d.refunds
      .find({ effectsDoneAt: null, status: 'succeeded', updatedAt: { $lte: before } })
      .limit(BATCH)
      .lean<RefundDoc[]>();
    for (const r of refunds) await this.d.refundService.finish(String(r._id));
    return payments.length + refunds.length;
  }
}
