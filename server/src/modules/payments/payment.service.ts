import { isValidObjectId, Types } from 'mongoose';
import type { PaymentListQuery, CreatePaymentResult, Payment, Page } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, NotFoundError, RateLimitError, isDuplicateKeyError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, grantScope, NOTHING, type MongoFilter, type Scope } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { WechatPay } from '../../integrations/wechat/pay';
import type { PortalAccountModel } from '../auth/portal-account.model';
import type { InvoiceDoc } from '../contracts/invoice.model';
import type { InvoiceService } from '../contracts/invoice.service';
import { closeOpenOrders, closeOrder } from './payment-close';
import type { PaymentSettlement } from './payment-settlement';
import type { PaymentDoc, PaymentModel } from './payment.model';
import { toPayment, tradeNoFor } from './payment.view';

export interface PaymentServiceDeps {
  payments: PaymentModel;
  portalAccounts: PortalAccountModel;
  invoices: Pick<InvoiceService, 'getPayable'>;
  settlement: PaymentSettlement;
  /** null when WeChat Pay is not configured: paying answers 503. */
  pay: WechatPay | null;
  lock: RedisLock;
  audit: AuditLog;
  logger: Logger;
  orderExpireMinutes: number;
}

const MANAGES = new Set(['admin', 'finance']);
const WAIT_FOR_WINNER_MS = 5000;
/** 重新查询 asks WeChat about one order at most this often. */
const REFRESH_EVERY_MS = 3000;

/** Paying an invoice in WeChat (JSAPI) and reading payments. */
export class PaymentService {
  constructor(private readonly d: PaymentServiceDeps) {}

  /**
   * The payment for (account, idempotency key): created once, for the invoice's open amount, with the
   * `wx.requestPayment` parameters. The same key answers the same payment (a different invoice → 409);
   * racing requests with one key meet at the unique index and the losers wait for the winner's prepay.
   */
  async create(
    actor: Actor,
    invoiceId: string,
    idempotencyKey: string,
    requestId?: string,
  ): Promise<CreatePaymentResult> {
    const existing = await this.byKey(actor, idempotencyKey);
    if (existing) return this.answerFor(existing, invoiceId);
    const pay = this.requirePay();
    const account = await this.d.portalAccounts.findById(actor.id).lean();
    if (!account) throw new NotFoundError('付款通知不存在');
    await this.d.invoices.getPayable(actor, invoiceId); // 404/409 before any lock or WeChat call
    // One new order per invoice at a time, so that closing the older open ones and sizing the new
    // one from the open amount see the same state.
    const fresh = await this.d.lock.withLock(
      `invoice-pay:${invoiceId}`,
      30_000,
      async () => {
        if (await this.byKey(actor, idempotencyKey)) return null;
        await closeOpenOrders(this.d, pay, invoiceId);
        const { invoice, openAmount } = await this.d.invoices.getPayable(actor, invoiceId);
        return this.insert(actor, account.openid, invoice, openAmount, idempotencyKey, requestId);
      },
      20_000,
    );
    if (fresh) return { payment: toPayment(fresh), requestPayment: await this.prepay(pay, fresh) };
    // Another request with this key got there first: answer its payment.
    const winner = await this.byKey(actor, idempotencyKey);
    if (!winner) throw new AppError('PAYMENT_IN_PROGRESS');
    return this.answerFor(winner, invoiceId);
  }

  private async insert(
    actor: Actor,
    openid: string,
    invoice: InvoiceDoc,
    amount: number,
    idempotencyKey: string,
    requestId?: string,
  ): Promise<PaymentDoc | null> {
    let payment: PaymentDoc;
    const _id = new Types.ObjectId();
    try {
      payment = (
        await retryTransient(() =>
          this.d.payments.create({
            _id,
            invoiceId: invoice._id,
            invoiceNumber: invoice.number,
            customerId: invoice.customerId,
            portalAccountId: new Types.ObjectId(actor.id),
            idempotencyKey,
            amount,
            outTradeNo: tradeNoFor('P', _id),
            status: 'created',
            payerOpenid: openid,
            description: `工程款 ${invoice.number}`.slice(0, 127),
          }),
        )
      ).toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
    await this.d.audit.record({
      actor,
      action: 'payment.created',
      resource: 'payment',
      resourceId: payment._id,
      after: { invoiceId: String(invoice._id), amount, outTradeNo: payment.outTradeNo },
      requestId,
    });
    return payment;
  }

  /**
   * The customer's WeChat answered the pay sheet with a cancel or a failure: the order is closed now
   * (under the invoice's pay lock, like a new tap), so the pay button is back at once instead of
   * waiting for the order to expire. Answers the payment as it then stands (paid if it raced a payment).
   */
  async cancel(actor: Actor, id: string, requestId?: string): Promise<Payment> {
    const found = await this.readable(actor, id);
    const pay = this.requirePay();
    if (found.status === 'created')
      await this.d.lock.withLock(
        `invoice-pay:${String(found.invoiceId)}`,
        30_000,
        async () => {
          const p = await this.d.payments.findById(found._id).lean<PaymentDoc>();
          if (p?.status === 'created')
            await closeOrder(this.d, pay, p, { reason: 'cancelled', actor, requestId });
        },
        20_000,
      );
    return toPayment((await this.d.payments.findById(found._id).lean<PaymentDoc>()) ?? found);
  }

  /**
   * One payment. `refresh` (the customer's 重新查询 when no outcome arrived) asks WeChat about an
   * open order and settles it when paid — once per payment every few seconds, shared by every
   * instance, so repeated taps cannot turn into a stream of WeChat queries.
   */
  async get(actor: Actor, id: string, opts: { refresh?: boolean } = {}): Promise<Payment> {
    const payment = await this.readable(actor, id);
    if (payment.status !== 'created') return toPayment(payment);
    if (await this.d.settlement.recorded(payment)) {
      // The ledger holds its money and the follow-up is still owed: finish it rather than show it unpaid.
      await this.d.settlement.finish(id);
    } else if (opts.refresh) {
      if (!(await this.d.lock.claim(`payment-refresh:${id}`, REFRESH_EVERY_MS)))
        throw new RateLimitError(Math.ceil(REFRESH_EVERY_MS / 1000));
      const tx = await this.requirePay().queryOrder(payment.outTradeNo);
      if (tx && (tx.state === 'SUCCESS' || tx.state === 'REFUND')) {
        await this.d.settlement.settle(tx);
        await this.d.settlement.finish(id);
      }
    } else return toPayment(payment);
    return toPayment((await this.d.payments.findById(id).lean<PaymentDoc>()) ?? payment);
  }

  private async readable(actor: Actor, id: string): Promise<PaymentDoc> {
    const payment = isValidObjectId(id) ? await this.d.payments.findById(id).lean<PaymentDoc>() : null;
    if (!payment || !this.canRead(actor, payment)) throw new NotFoundError('付款记录不存在');
    return payment;
  }

  /** Finance sees every payment; a customer its own; other staff none. Filters by invoice/customer/status. */
  async list(actor: Actor, query: PaymentListQuery): Promise<Page<Payment>> {
    const narrow: MongoFilter = {};
    if (query.customerId) narrow.customerId = new Types.ObjectId(query.customerId);
    if (query.invoiceId) narrow.invoiceId = new Types.ObjectId(query.invoiceId);
    if (query.status) narrow.status = query.status;
    return paginateById(this.d.payments, { scope: this.scope(actor), narrow }, query, (p) =>
      toPayment(p as PaymentDoc),
    );
  }

  private scope(actor: Actor): Scope {
    if (actor.role === 'customer')
      return actor.customerId ? grantScope({ customerId: new Types.ObjectId(actor.customerId) }) : NOTHING;
    return MANAGES.has(actor.role) ? EVERYTHING : NOTHING;
  }

  canRead(actor: Actor, p: PaymentDoc): boolean {
    if (actor.role === 'customer')
      return actor.customerId !== null && actor.customerId === String(p.customerId);
    return MANAGES.has(actor.role);
  }

  private requirePay(): WechatPay {
    if (!this.d.pay) throw new AppError('PAYMENT_NOT_CONFIGURED');
    return this.d.pay;
  }

  private byKey(actor: Actor, idempotencyKey: string) {
    return this.d.payments
      .findOne({ portalAccountId: new Types.ObjectId(actor.id), idempotencyKey })
      .lean<PaymentDoc>();
  }

  /** A retried key: the same payment; its prepay made again if the first attempt did not get one. */
  private async answerFor(found: PaymentDoc, invoiceId: string): Promise<CreatePaymentResult> {
    if (String(found.invoiceId) !== invoiceId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    let payment = found;
    const deadline = Date.now() + WAIT_FOR_WINNER_MS;
    while (payment.status === 'created' && !payment.requestPayment && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      payment = (await this.d.payments.findById(found._id).lean<PaymentDoc>()) ?? payment;
    }
    if (payment.status !== 'created') return { payment: toPayment(payment), requestPayment: null };
    if (payment.requestPayment)
      return { payment: toPayment(payment), requestPayment: payment.requestPayment };
    return { payment: toPayment(payment), requestPayment: await this.prepay(this.requirePay(), payment) };
  }

  /** JSAPI prepay under a lock per payment (a retry must not race the first attempt); idempotent at WeChat. */
  private async prepay(pay: WechatPay, payment: PaymentDoc) {
    return this.d.lock.withLock(`payment-prepay:${String(payment._id)}`, 15_000, async () => {
      const current = await this.d.payments.findById(payment._id).lean<PaymentDoc>();
      if (current?.requestPayment) return current.requestPayment;
      const expiresAt = new Date(new Date(payment.createdAt).getTime() + this.d.orderExpireMinutes * 60_000);
      try {
        const params = await pay.jsapiPrepay({
          outTradeNo: payment.outTradeNo,
          description: payment.description,
          amount: payment.amount,
          openid: payment.payerOpenid,
          expiresAt,
        });
        await retryTransient(() =>
          this.d.payments.updateOne(
            { _id: payment._id },
            {
              $set: {
                requestPayment: params,
                prepayId: params.package.replace(/^prepay_id=/, ''),
                lastError: null,
              },
            },
          ),
        );
        return params;
      } catch (err) {
        await this.d.payments.updateOne(
          { _id: payment._id },
          { $set: { lastError: (err as Error).message } },
        );
        this.d.logger.warn({ err, outTradeNo: payment.outTradeNo }, 'jsapi prepay failed');
        if (err instanceof AppError) throw err;
        throw new AppError('UPSTREAM_UNAVAILABLE', '微信支付下单失败，请稍后再试');
      }
    });
  }
}
