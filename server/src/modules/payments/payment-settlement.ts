import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { AppError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { GatewayTransaction } from '../../integrations/wechat/pay';
import type { InvoiceService } from '../contracts/invoice.service';
import type { MongoPaymentLedger } from './payment-ledger';
import type { PaymentDoc, PaymentModel } from './payment.model';

export interface PaymentSettlementDeps {
  payments: PaymentModel;
  ledger: MongoPaymentLedger;
  invoices: Pick<InvoiceService, 'recalculate'>;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  merchant: { appId: string; mchId: string };
}

/** A settlement refused because WeChat's word does not match our order (nothing was changed). */
export class SettlementRefused extends AppError {
  constructor(
    readonly httpStatus: 400 | 404,
    message: string,
    details?: unknown,
  ) {
    super(httpStatus === 404 ? 'NOT_FOUND' : 'CONFLICT', message, details);
  }
}

/**
 * Applies "WeChat says this order is paid" exactly once, from a notification or from the settle
 * job's query (one code path). The ledger's unique entry decides who applies the money; the payment's
 * own fields are then set idempotently. The follow-up (invoice, notice) runs in `finish`, which the
 * notification schedules after its answer and the settle job repeats until `effectsDoneAt` is set.
 */
export class PaymentSettlement {
  constructor(private readonly d: PaymentSettlementDeps) {}

  async settle(tx: GatewayTransaction): Promise<{ payment: PaymentDoc; applied: boolean }> {
    const payment = await this.d.payments.findOne({ outTradeNo: tx.outTradeNo }).lean<PaymentDoc>();
    if (!payment) throw new SettlementRefused(404, '订单不存在', { outTradeNo: tx.outTradeNo });
    this.check(payment, tx);
    // A re-delivery of what is already applied: nothing to write (the ledger entry would refuse it anyway).
    if (payment.status === 'paid' && payment.transactionId === tx.transactionId)
      return { payment, applied: false };
    const paidAt = tx.successTime ?? new Date();
    const applied = await this.d.ledger.record({
      key: `payment:${payment.outTradeNo}`,
      kind: 'payment',
      invoiceId: payment.invoiceId,
      paymentId: payment._id,
      refundId: null,
      amount: payment.amount,
      wechatId: tx.transactionId!,
      at: paidAt,
    });
    if (payment.status !== 'paid' || payment.transactionId !== tx.transactionId) {
      await retryTransient(() =>
        this.d.payments.updateOne(
          { _id: payment._id },
          {
            $set: {
              status: 'paid',
              transactionId: tx.transactionId,
              paidAt,
              payerOpenid: tx.payerOpenid ?? payment.payerOpenid,
              lastError: null,
            },
          },
        ),
      );
    }
    if (applied)
      await this.d.audit.record({
        actor: null,
        action: 'payment.succeeded',
        resource: 'payment',
        resourceId: payment._id,
        before: { status: payment.status },
        after: { status: 'paid', transactionId: tx.transactionId, amount: payment.amount },
      });
    return { payment, applied };
  }

  /** mchid / appid / amount / state checked against our order; a mismatch changes nothing. */
  private check(payment: PaymentDoc, tx: GatewayTransaction): void {
    const problems: string[] = [];
    if (tx.mchId !== this.d.merchant.mchId) problems.push('mchid');
    if (tx.appId !== this.d.merchant.appId) problems.push('appid');
    if (tx.amount !== payment.amount) problems.push('amount');
    if (tx.state !== 'SUCCESS' && tx.state !== 'REFUND') problems.push('trade_state');
    if (!tx.transactionId) problems.push('transaction_id');
    if (problems.length === 0) return;
    this.d.logger.warn(
      { outTradeNo: payment.outTradeNo, problems },
      'payment notification does not match our order',
    );
    throw new SettlementRefused(400, `通知与订单不符：${problems.join(', ')}`, { problems });
  }

  /** The work after the answer: invoice recalculated from the ledger, the receipt notice, then marked done. */
  async finish(paymentId: string): Promise<void> {
    const payment = await this.d.payments.findById(paymentId).lean<PaymentDoc>();
    if (!payment || payment.status !== 'paid' || payment.effectsDoneAt) return;
    const invoice = await this.d.invoices.recalculate(String(payment.invoiceId));
    await this.d.events.publish(
      'payment.succeeded',
      {
        customerId: String(payment.customerId),
        paymentId: String(payment._id),
        invoiceId: String(payment.invoiceId),
        invoiceNo: invoice.number,
        amount: payment.amount,
        paidAt: payment.paidAt ? new Date(payment.paidAt).toISOString() : null,
      },
      { id: `payment.succeeded:${String(payment._id)}` },
    );
    await retryTransient(() =>
      this.d.payments.updateOne({ _id: payment._id }, { $set: { effectsDoneAt: new Date() } }),
    );
  }
}
