import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { AppError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { GatewayTransaction } from '../../integrations/wechat/pay';
import type { InvoiceService } from '../contracts/invoice.service';
import { paymentLedgerKey, type MongoPaymentLedger } from './payment-ledger';
import type { PaymentDoc, PaymentModel } from './payment.model';
import { findByTradeNo } from './payment.view';

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
 * job's query (one code path). The answer to WeChat waits only for what makes the money safe: the
 * order read by primary key, the checks, the ledger's unique entry (whoever inserts it applies the
 * money; every other delivery finds it) and its audit entry — inserts, which stay fast on FerretDB
 * v1 where every update reads the whole collection. The payment's own status, the invoice and the
 * notice follow in `finish`, which the notification schedules after its answer and the settle job
 * repeats until `effectsDoneAt` is set.
 */
export class PaymentSettlement {
  constructor(private readonly d: PaymentSettlementDeps) {}

  async settle(tx: GatewayTransaction): Promise<{ payment: PaymentDoc; applied: boolean }> {
    const payment = await findByTradeNo(this.d.payments, 'P', 'outTradeNo', tx.outTradeNo);
    if (!payment) throw new SettlementRefused(404, '订单不存在', { outTradeNo: tx.outTradeNo });
    this.check(payment, tx);
    // A re-delivery of what is already applied and finished: nothing to write.
    if (payment.status === 'paid' && payment.transactionId === tx.transactionId)
      return { payment, applied: false };
    const applied = await this.d.ledger.record({
      key: paymentLedgerKey(payment.outTradeNo),
      kind: 'payment',
      invoiceId: payment.invoiceId,
      paymentId: payment._id,
      refundId: null,
      amount: payment.amount,
      wechatId: tx.transactionId!,
      payerOpenid: tx.payerOpenid ?? payment.payerOpenid,
      at: tx.successTime ?? new Date(),
    });
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

  /**
   * Whether the ledger holds this order's money: then it is paid, whatever its own status says (a
   * crash can come between the entry and `finish`), and must never be closed or paid again.
   */
  async recorded(payment: Pick<PaymentDoc, 'outTradeNo'>): Promise<boolean> {
    return (await this.d.ledger.entry(paymentLedgerKey(payment.outTradeNo))) !== null;
  }

  /**
   * The work after the answer: the payment marked paid, the invoice recalculated from the ledger,
   * the receipt notice (its handlers read the payment as paid), then marked done. Nothing happens
   * for an order the ledger does not hold (not settled); every step is idempotent, so a repeat after
   * a crash finishes what is owed.
   */
  async finish(paymentId: string): Promise<void> {
    const payment = await this.d.payments.findById(paymentId).lean<PaymentDoc>();
    if (!payment || payment.effectsDoneAt) return;
    const entry = await this.d.ledger.entry(paymentLedgerKey(payment.outTradeNo));
    if (!entry) return;
    if (payment.status !== 'paid' || payment.transactionId !== entry.wechatId)
      await retryTransient(() =>
        this.d.payments.updateOne(
          { _id: payment._id },
          {
            $set: {
              status: 'paid',
              transactionId: entry.wechatId,
              paidAt: entry.at,
              payerOpenid: entry.payerOpenid ?? payment.payerOpenid,
              lastError: null,
            },
          },
        ),
      );
    const invoice = await this.d.invoices.recalculate(String(payment.invoiceId));
    await this.d.events.publish(
      'payment.succeeded',
      {
        customerId: String(payment.customerId),
        paymentId: String(payment._id),
        invoiceId: String(payment.invoiceId),
        invoiceNo: invoice.number,
        amount: payment.amount,
        paidAt: new Date(entry.at).toISOString(),
      },
      { id: `payment.succeeded:${String(payment._id)}` },
    );
    await retryTransient(() =>
      this.d.payments.updateOne({ _id: payment._id }, { $set: { effectsDoneAt: new Date() } }),
    );
  }
}
