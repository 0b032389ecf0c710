import { isValidObjectId, type Types } from 'mongoose';
import { calendarDateOf, type InvoiceReasonKind, type VoidInvoiceInput } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, ForbiddenError, NotFoundError, isDuplicateKeyError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { CustomerModel } from '../crm/customer.model';
import type { ContractDoc, InstallmentDoc, InstallmentModel } from './contract.model';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';
import { invoiceMoney } from './invoice-money';
import { invoiceEventPayload } from './invoice.view';
import type { MoneyAccess } from './money-access';

/** What the payments module exposes to the invoices: succeeded payments and refunds, in fen. */
export interface PaymentLedger {
  totals(invoiceId: string): Promise<{ paid: number; refunded: number }>;
}

export interface InvoiceServiceDeps {
  invoices: InvoiceModel;
  contractInstallments: InstallmentModel;
  customers: CustomerModel;
  access: MoneyAccess;
  ledger: PaymentLedger;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
}

const DAY_MS = 86_400_000;
export const invoiceLockKey = (invoiceId: string) => `invoice:${invoiceId}`;
const lockKey = invoiceLockKey;

/** UTC midnight of the Asia/Shanghai calendar day `days` after the instant `from`. */
export function dueDateFrom(from: Date, days: number): Date {
  return new Date(Date.parse(`${calendarDateOf(from)}T00:00:00Z`) + days * DAY_MS);
}

/**
 * Invoices (payment requests): issued once per installment by the plan's triggers, paid through the
 * payments module, whose ledger is the only source of paid/refunded amounts.
 */
export class InvoiceService {
  constructor(private readonly deps: InvoiceServiceDeps) {}

  /**
   * The invoice for `installment`, due `dueDays` after `firedAt` (when its trigger fired), issued now if it does not exist yet. Exactly once: the unique
   * index on installmentId decides between racing triggers (and a re-delivered event); the loser
   * reads the winner's invoice. The notice is re-published either way — its id is stable, so the
   * outbox deduplicates it, and a crash after the insert still ends with the customer told.
   */
  async issueForInstallment(
    contract: ContractDoc,
    installment: InstallmentDoc,
    firedAt: Date,
    reasonKind: InvoiceReasonKind,
  ): Promise<InvoiceDoc> {
    let invoice: InvoiceDoc;
    try {
      invoice = (
        await retryTransient(() =>
          this.deps.invoices.create({
            number: `${contract.number}-${String(installment.seq).padStart(2, '0')}`,
            contractId: contract._id,
            contractNumber: contract.number,
            installmentId: installment._id,
            customerId: contract.customerId,
            projectId: contract.projectId,
            amount: installment.amount,
            status: 'issued',
            issuedAt: new Date(),
            dueDate: dueDateFrom(firedAt, installment.dueDays),
            reason: {
              kind: reasonKind,
              milestoneId: installment.trigger.milestoneId,
              milestoneName: installment.trigger.milestoneName,
              installmentName: installment.name,
            },
          }),
        )
      ).toObject();
      await this.deps.audit.record({
        actor: null,
        action: 'invoice.issued',
        resource: 'invoice',
        resourceId: invoice._id,
        after: { amount: invoice.amount, installmentId: String(installment._id), reason: reasonKind },
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.deps.invoices
        .findOne({ installmentId: installment._id })
        .lean<InvoiceDoc>();
      if (!existing) throw err;
      invoice = existing;
    }
    await this.deps.contractInstallments.updateOne(
      { _id: installment._id },
      { $set: { invoiceId: invoice._id } },
    );
    if (invoice.status !== 'void') await this.publishIssued(invoice);
    return invoice;
  }

  /**
   * For paying: the invoice if `actor` (a portal account of its customer) may pay it, with its open
   * amount from the ledger; 404 when unreadable (staff never pay), 409 INVOICE_NOT_PAYABLE when
   * void/draft or nothing is open. A cache found behind the ledger is brought up to date.
   */
  async getPayable(actor: Actor, invoiceId: string): Promise<{ invoice: InvoiceDoc; openAmount: number }> {
    const invoice = isValidObjectId(invoiceId)
      ? await this.deps.invoices.findById(invoiceId).lean<InvoiceDoc>()
      : null;
    if (
      !invoice ||
      actor.role !== 'customer' ||
      actor.customerId === null ||
      actor.customerId !== String(invoice.customerId)
    )
      throw new NotFoundError('付款通知不存在');
    if (invoice.status === 'void' || invoice.status === 'draft') throw new AppError('INVOICE_NOT_PAYABLE');
    const money = invoiceMoney(invoice, await this.deps.ledger.totals(invoiceId));
    const stale = money.paid !== invoice.paidAmount || money.refunded !== invoice.refundedAmount;
    const current = stale ? await this.recalculate(invoiceId) : invoice;
    if (money.open <= 0) throw new AppError('INVOICE_NOT_PAYABLE', '该付款通知已全部付清，无需再付');
    return { invoice: current, openAmount: money.open };
  }

  /**
   * Recomputes paidAmount/refundedAmount/status from the payment ledger under a Redis lock per
   * invoice (never $inc: not atomic on FerretDB). Idempotent. Publishes invoice.paid /
   * invoice.partially_paid with ids stable per paid total when the status changes.
   */
  async recalculate(invoiceId: string): Promise<InvoiceDoc> {
    return this.deps.lock.withLock(
      lockKey(invoiceId),
      15_000,
      async () => {
        const before = await this.deps.invoices.findById(invoiceId).lean<InvoiceDoc>();
        if (!before) throw new NotFoundError('付款通知不存在');
        const { paid, refunded, status } = invoiceMoney(before, await this.deps.ledger.totals(invoiceId));
        const paidAt = status === 'paid' ? (before.paidAt ?? new Date()) : null;
        const unchanged =
          before.paidAmount === paid &&
          before.refundedAmount === refunded &&
          before.status === status &&
          String(before.paidAt) === String(paidAt);
        if (unchanged) return before;
        const after = await retryTransient(() =>
          this.deps.invoices
            .findByIdAndUpdate(
              invoiceId,
              { $set: { paidAmount: paid, refundedAmount: refunded, status, paidAt } },
              { returnDocument: 'after' },
            )
            .lean<InvoiceDoc>(),
        );
        if (!after) throw new NotFoundError('付款通知不存在');
        await this.deps.audit.record({
          actor: null,
          action: 'invoice.recalculated',
          resource: 'invoice',
          resourceId: invoiceId,
          before: {
            paidAmount: before.paidAmount,
            refundedAmount: before.refundedAmount,
            status: before.status,
          },
          after: { paidAmount: paid, refundedAmount: refunded, status },
        });
        if (status !== before.status && (status === 'paid' || status === 'partially_paid'))
          await this.publishPayment(after, status);
        return after;
      },
      15_000,
    );
  }

  /** Finance voids an invoice nobody has paid anything on; the installment may be invoiced again by hand only. */
  async void(
    actor: Actor,
    invoiceId: string,
    input: VoidInvoiceInput,
    requestId?: string,
  ): Promise<InvoiceDoc> {
    const current = await this.getManaged(actor, invoiceId);
    return this.deps.lock.withLock(lockKey(invoiceId), 15_000, async () => {
      const inv = await this.deps.invoices.findById(current._id).lean<InvoiceDoc>();
      if (!inv) throw new NotFoundError('付款通知不存在');
      if (inv.status === 'void') return inv;
      const { paid } = await this.deps.ledger.totals(invoiceId);
      if (paid > 0 || inv.paidAmount > 0) throw new AppError('INVOICE_NOT_VOIDABLE');
      const after = await this.setFields(inv._id, {
        status: 'void',
        voidReason: input.reason,
        voidedAt: new Date(),
      });
      await this.deps.audit.record({
        actor,
        action: 'invoice.voided',
        resource: 'invoice',
        resourceId: inv._id,
        before: { status: inv.status },
        after: { status: 'void', reason: input.reason },
        requestId,
      });
      return after;
    });
  }

  /** Readable invoice or 404. */
  async getReadable(actor: Actor, invoiceId: string): Promise<InvoiceDoc> {
    const inv = isValidObjectId(invoiceId)
      ? await this.deps.invoices.findById(invoiceId).lean<InvoiceDoc>()
      : null;
    if (!inv || !(await this.deps.access.canRead(actor, inv))) throw new NotFoundError('付款通知不存在');
    if (actor.role === 'customer' && inv.status === 'draft') throw new NotFoundError('付款通知不存在');
    return inv;
  }

  async getManaged(actor: Actor, invoiceId: string): Promise<InvoiceDoc> {
    const inv = await this.getReadable(actor, invoiceId);
    if (!this.deps.access.managesInvoices(actor)) throw new ForbiddenError();
    return inv;
  }

  private async setFields(id: Types.ObjectId, set: Record<string, unknown>): Promise<InvoiceDoc> {
    const after = await retryTransient(() =>
      this.deps.invoices.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean<InvoiceDoc>(),
    );
    if (!after) throw new NotFoundError('付款通知不存在');
    return after;
  }

  private async ownerOf(customerId: Types.ObjectId): Promise<string | undefined> {
    const c = await this.deps.customers.findById(customerId, { ownerId: 1, name: 1 }).lean();
    return c?.ownerId ? String(c.ownerId) : undefined;
  }

  private async publishIssued(invoice: InvoiceDoc): Promise<void> {
    const payload = { ...invoiceEventPayload(invoice), ownerId: await this.ownerOf(invoice.customerId) };
    await this.safePublish('invoice.issued', payload, `invoice.issued:${String(invoice.installmentId)}`);
  }

  private async publishPayment(invoice: InvoiceDoc, status: 'paid' | 'partially_paid'): Promise<void> {
    const payload = { ...invoiceEventPayload(invoice), ownerId: await this.ownerOf(invoice.customerId) };
    await this.safePublish(
      `invoice.${status}`,
      payload,
      `invoice.${status}:${String(invoice._id)}:${invoice.paidAmount}`,
    );
  }

  /** The money state is already written; a failing notice subscriber must not undo the caller's success. */
  private async safePublish(name: string, payload: Parameters<EventBus['publish']>[1], id: string) {
    try {
      await this.deps.events.publish(name, payload, { id });
    } catch (err) {
      this.deps.logger.error(
        { err, event: name, eventId: id },
        'invoice event not delivered to every subscriber',
      );
    }
  }
}
