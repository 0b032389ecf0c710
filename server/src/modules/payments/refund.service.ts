import { isValidObjectId, Types } from 'mongoose';
import type { CreateRefundInput, Page, Refund, RefundDecisionInput, RefundListQuery } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, NotFoundError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, type MongoFilter } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import { PayApiError, type GatewayRefund, type WechatPay } from '../../integrations/wechat/pay';
import type { InvoiceService } from '../contracts/invoice.service';
import { paymentLedgerKey, refundLedgerKey, type MongoPaymentLedger } from './payment-ledger';
import { SettlementRefused } from './payment-settlement';
import type { PaymentDoc, PaymentModel } from './payment.model';
import type { RefundDoc, RefundModel } from './refund.model';
import { findByTradeNo, toRefund, tradeNoFor } from './payment.view';

export interface RefundServiceDeps {
  payments: PaymentModel;
  refunds: RefundModel;
  ledger: MongoPaymentLedger;
  invoices: Pick<InvoiceService, 'recalculate'>;
  pay: WechatPay | null;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  approvalThreshold: number;
  notifyUrl: string;
  mchId: string;
}

/** Statuses that hold money back from the refundable rest (asked, approved, or done). */
const LIVE: RefundDoc['status'][] = ['pending_approval', 'processing', 'succeeded'];

/**
 * Refunds: requested by finance (full or partial, never more than was paid minus what is already
 * being refunded), approved by a second finance user or an admin above the threshold, sent to
 * WeChat, and settled exactly once by the refund notification or the settle job's query.
 */
export class RefundService {
  constructor(private readonly d: RefundServiceDeps) {}

  async request(
    actor: Actor,
    paymentId: string,
    input: CreateRefundInput,
    requestId?: string,
  ): Promise<Refund> {
    const payment = isValidObjectId(paymentId)
      ? await this.d.payments.findById(paymentId).lean<PaymentDoc>()
      : null;
    if (!payment) throw new NotFoundError('付款记录不存在');
    // Paid is the ledger's word: a payment whose entry is written counts even while its status lags.
    const paid = await this.d.ledger.entry(paymentLedgerKey(payment.outTradeNo));
    if (!paid) throw new AppError('PAYMENT_NOT_REFUNDABLE');
    const refund = await this.d.lock.withLock(`payment-refunds:${paymentId}`, 15_000, async () => {
      const held = await this.held(payment);
      if (held + input.amount > paid.amount)
        throw new AppError('REFUND_EXCEEDS_PAID', undefined, { refundable: paid.amount - held });
      const needsApproval = input.amount > this.d.approvalThreshold;
      const _id = new Types.ObjectId();
      return (
        await retryTransient(() =>
          this.d.refunds.create({
            _id,
            paymentId: payment._id,
            invoiceId: payment.invoiceId,
            customerId: payment.customerId,
            outRefundNo: tradeNoFor('R', _id),
            amount: input.amount,
            reason: input.reason,
            status: needsApproval ? 'pending_approval' : 'processing',
            requestedBy: new Types.ObjectId(actor.id),
            requestedByName: actor.name,
            needsApproval,
            approvals: [],
          }),
        )
      ).toObject();
    });
    await this.d.audit.record({
      actor,
      action: 'refund.requested',
      resource: 'refund',
      resourceId: refund._id,
      after: { paymentId, amount: refund.amount, reason: refund.reason, needsApproval: refund.needsApproval },
      requestId,
    });
    await this.d.events.publish(
      'refund.requested',
      {
        customerId: String(refund.customerId),
        refundId: String(refund._id),
        invoiceId: String(refund.invoiceId),
        invoiceNo: payment.invoiceNumber,
        amount: refund.amount,
        reason: refund.reason,
        requestedByName: refund.requestedByName,
        needsApproval: refund.needsApproval,
        approvalNote: refund.needsApproval ? '（超过审批额度，需另一位财务或管理员审批）' : '',
      },
      { id: `refund.requested:${String(refund._id)}` },
    );
    if (!refund.needsApproval) await this.execute(refund);
    return this.view(String(refund._id));
  }

  /**
   * Money of a payment already refunded or on its way back: every refund the ledger holds (at its
   * ledger amount, whatever the refund's own status says) plus the live ones it does not hold yet.
   */
  private async held(payment: PaymentDoc): Promise<number> {
    const done = await this.d.ledger.refundsOfPayment(payment._id);
    const doneIds = new Set(done.map((e) => String(e.refundId)));
    const live = await this.d.refunds
      .find({ paymentId: payment._id, status: { $in: LIVE } }, { amount: 1 })
      .lean();
    const pending = live.filter((r) => !doneIds.has(String(r._id)));
    return [...done, ...pending].reduce((s, r) => s + r.amount, 0);
  }

  approve(actor: Actor, refundId: string, input: RefundDecisionInput, requestId?: string): Promise<Refund> {
    return this.decide(actor, refundId, 'approved', input, requestId);
  }

  reject(actor: Actor, refundId: string, input: RefundDecisionInput, requestId?: string): Promise<Refund> {
    return this.decide(actor, refundId, 'rejected', input, requestId);
  }

  async get(id: string): Promise<Refund> {
    return this.view(id);
  }

  async list(query: RefundListQuery): Promise<Page<Refund>> {
    const narrow: MongoFilter = {};
    if (query.paymentId) narrow.paymentId = new Types.ObjectId(query.paymentId);
    if (query.invoiceId) narrow.invoiceId = new Types.ObjectId(query.invoiceId);
    if (query.status) narrow.status = query.status;
    // Finance and admins only (see the route): they read every refund.
    return paginateById(this.d.refunds, { scope: EVERYTHING, narrow }, query, (r) =>
      toRefund(r as RefundDoc),
    );
  }

  /** One decision per refund, under a lock (FerretDB's guarded update is not atomic); never by its requester. */
  private async decide(
    actor: Actor,
    refundId: string,
    decision: 'approved' | 'rejected',
    input: RefundDecisionInput,
    requestId?: string,
  ): Promise<Refund> {
    const found = isValidObjectId(refundId)
      ? await this.d.refunds.findById(refundId).lean<RefundDoc>()
      : null;
    if (!found) throw new NotFoundError('退款记录不存在');
    if (String(found.requestedBy) === actor.id) throw new AppError('REFUND_SELF_APPROVAL');
    const decided = await this.d.lock.withLock(`refund:${refundId}`, 15_000, async () => {
      const refund = await this.d.refunds.findById(refundId).lean<RefundDoc>();
      if (!refund || refund.status !== 'pending_approval') throw new AppError('REFUND_NOT_PENDING');
      const approval = {
        by: new Types.ObjectId(actor.id),
        byName: actor.name,
        decision,
        comment: input.comment ?? null,
        at: new Date(),
      };
      const status = decision === 'approved' ? 'processing' : 'closed';
      return retryTransient(() =>
        this.d.refunds
          .findByIdAndUpdate(
            refundId,
            { $set: { status }, $push: { approvals: approval } },
            { returnDocument: 'after' },
          )
          .lean<RefundDoc>(),
      );
    });
    await this.d.audit.record({
      actor,
      action: `refund.${decision}`,
      resource: 'refund',
      resourceId: refundId,
      before: { status: 'pending_approval' },
      after: { status: decided!.status, comment: input.comment ?? null },
      requestId,
    });
    if (decision === 'approved') await this.execute(decided!);
    return this.view(refundId);
  }

  /**
   * Asks WeChat to refund (same out_refund_no on every retry, so WeChat applies it once). A refusal
   * fails the refund; no answer leaves it processing for the settle job to retry.
   */
  async execute(refund: RefundDoc): Promise<void> {
    if (!this.d.pay) throw new AppError('PAYMENT_NOT_CONFIGURED');
    const payment = await this.d.payments.findById(refund.paymentId).lean<PaymentDoc>();
    if (!payment) return;
    try {
      const answer = await this.d.pay.refund({
        outTradeNo: payment.outTradeNo,
        outRefundNo: refund.outRefundNo,
        amount: refund.amount,
        total: payment.amount,
        reason: refund.reason,
        notifyUrl: this.d.notifyUrl,
      });
      const { applied } = await this.apply(answer);
      // WeChat refunded at once: finish now rather than wait for the notification (the settle job
      // finishes it if this fails).
      if (applied)
        await this.finish(String(refund._id)).catch((err: unknown) =>
          this.d.logger.warn({ err, outRefundNo: refund.outRefundNo }, 'refund follow-up failed'),
        );
    } catch (err) {
      if (!(err instanceof PayApiError)) {
        await this.d.refunds.updateOne({ _id: refund._id }, { $set: { lastError: (err as Error).message } });
        this.d.logger.warn(
          { err, outRefundNo: refund.outRefundNo },
          'refund call got no answer; the settle job retries',
        );
        return;
      }
      await retryTransient(() =>
        this.d.refunds.updateOne(
          { _id: refund._id, status: 'processing' },
          { $set: { status: 'failed', lastError: `${err.code}: ${err.message}` } },
        ),
      );
      await this.d.audit.record({
        actor: null,
        action: 'refund.failed',
        resource: 'refund',
        resourceId: refund._id,
        after: { code: err.code },
      });
    }
  }

  /**
   * WeChat's word on a refund (notification, apply answer or query). SUCCESS is applied once through
   * the ledger's unique entry (and audited) — inserts only, so a notification is answered fast; the
   * refund's own status follows in `finish`. ABNORMAL → failed, CLOSED → closed; PROCESSING only
   * records the refund id.
   */
  async apply(gr: GatewayRefund): Promise<{ refund: RefundDoc; applied: boolean }> {
    const refund = await findByTradeNo(this.d.refunds, 'R', 'outRefundNo', gr.outRefundNo);
    if (!refund) throw new SettlementRefused(404, '退款单不存在', { outRefundNo: gr.outRefundNo });
    if ((gr.mchId !== null && gr.mchId !== this.d.mchId) || gr.amount !== refund.amount)
      throw new SettlementRefused(400, '退款通知与退款单不符');
    if (gr.status === 'SUCCESS') {
      const applied = await this.d.ledger.record({
        key: refundLedgerKey(refund.outRefundNo),
        kind: 'refund',
        invoiceId: refund.invoiceId,
        paymentId: refund.paymentId,
        refundId: refund._id,
        amount: refund.amount,
        wechatId: gr.refundId,
        at: gr.successTime ?? new Date(),
      });
      if (applied)
        await this.d.audit.record({
          actor: null,
          action: 'refund.succeeded',
          resource: 'refund',
          resourceId: refund._id,
          before: { status: refund.status },
          after: { status: 'succeeded', refundId: gr.refundId },
        });
      return { refund, applied };
    }
    const set: Record<string, unknown> = {};
    if (gr.refundId && gr.refundId !== refund.refundId) set.refundId = gr.refundId;
    if ((gr.status === 'ABNORMAL' || gr.status === 'CLOSED') && refund.status !== 'succeeded')
      set.status = gr.status === 'ABNORMAL' ? 'failed' : 'closed';
    if (Object.keys(set).length === 0) return { refund, applied: false };
    await retryTransient(() => this.d.refunds.updateOne({ _id: refund._id }, { $set: set }));
    if (set.status && set.status !== refund.status)
      await this.d.audit.record({
        actor: null,
        action: `refund.${String(set.status)}`,
        resource: 'refund',
        resourceId: refund._id,
        before: { status: refund.status },
        after: { status: set.status, refundId: gr.refundId },
      });
    return { refund: { ...refund, ...set } as RefundDoc, applied: false };
  }

  /**
   * After a success: the refund marked succeeded, the payment's refunded total and the invoice from
   * the ledger, the notice, then done. Nothing happens for a refund the ledger does not hold.
   */
  async finish(refundId: string): Promise<void> {
    const refund = await this.d.refunds.findById(refundId).lean<RefundDoc>();
    if (!refund || refund.effectsDoneAt) return;
    const entry = await this.d.ledger.entry(refundLedgerKey(refund.outRefundNo));
    if (!entry) return;
    if (refund.status !== 'succeeded')
      await retryTransient(() =>
        this.d.refunds.updateOne(
          { _id: refund._id },
          {
            $set: {
              status: 'succeeded',
              refundId: entry.wechatId,
              succeededAt: entry.at,
              lastError: null,
            },
          },
        ),
      );
    const refunded = await this.d.ledger.refundedOfPayment(refund.paymentId);
    await retryTransient(() =>
      this.d.payments.updateOne({ _id: refund.paymentId }, { $set: { refundedAmount: refunded } }),
    );
    const invoice = await this.d.invoices.recalculate(String(refund.invoiceId));
    await this.d.events.publish(
      'refund.succeeded',
      {
        customerId: String(refund.customerId),
        refundId: String(refund._id),
        invoiceId: String(refund.invoiceId),
        invoiceNo: invoice.number,
        amount: refund.amount,
        reason: refund.reason,
      },
      { id: `refund.succeeded:${String(refund._id)}` },
    );
    await retryTransient(() =>
      this.d.refunds.updateOne({ _id: refund._id }, { $set: { effectsDoneAt: new Date() } }),
    );
  }

  private async view(id: string): Promise<Refund> {
    const refund = isValidObjectId(id) ? await this.d.refunds.findById(id).lean<RefundDoc>() : null;
    if (!refund) throw new NotFoundError('退款记录不存在');
    return toRefund(refund);
  }
}
