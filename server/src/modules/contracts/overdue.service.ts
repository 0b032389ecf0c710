import { Types } from 'mongoose';
import {
  calendarDateOf,
  daysBetween,
  INVOICE_OPEN_STATUSES,
  type InvoiceArrangementInput,
  type InvoiceStatus,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, isDuplicateKeyError, NotFoundError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import { activeManagerOf } from '../auth/staff-admin.managers';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerDoc, CustomerModel } from '../crm/customer.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import { invoiceMoneyOf, type InvoiceMoney } from './invoice-money';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';
import { invoiceLockKey } from './invoice.service';
import { invoiceEventPayload } from './invoice.view';
import type { OverdueConfig } from './overdue.config';
import type { OverdueStepDoc, OverdueStepModel } from './overdue.model';

export interface OverdueDeps {
  invoices: InvoiceModel;
  /** Read only: whether money is still open is the ledger's word, not the invoice's cache. */
  paymentLedger: LedgerEntryModel;
  overdueSteps: OverdueStepModel;
  customers: CustomerModel;
  staffUsers: StaffUserModel;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: OverdueConfig;
  /** Rescoring after lateness changes (late payments move the customer toward the risk tier). */
  rescore: (customerIds: string[]) => Promise<unknown>;
}

/** A step inserted but not published after this long belongs to a run that died. */
const STALE_MS = 5 * 60_000;
const SPLIT_STATUSES: InvoiceStatus[] = ['issued', 'partially_paid'];

/**
 * The `contracts.mark-overdue` job: invoices past their due date with money open become `overdue`,
 * then each overdue invoice climbs the configured ladder one notice per rung, each rung at most
 * once (unique step per invoice and rung). A payment arrangement agreed by finance pauses it.
 */
export class OverdueService {
  constructor(private readonly d: OverdueDeps) {}

  async run(now = new Date()): Promise<{ marked: number; escalated: number; recovered: number }> {
    const recovered = await this.finishStale();
    const today = calendarDateOf(now);
    const marked = await this.markOverdue(today);
    let escalated = 0;
    const invoices = await this.d.invoices
      .find({ status: 'overdue', arrangementAgreed: { $ne: true } })
      .sort({ dueDate: 1 })
      .limit(this.d.config.batch)
      .lean<InvoiceDoc[]>();
    const money = await invoiceMoneyOf(this.d.paymentLedger, invoices);
    for (const inv of invoices) {
      const m = money.get(String(inv._id))!;
      // Paid on the ledger, the invoice not yet recalculated: no reminder for money already received.
      if (m.open > 0) escalated += await this.climb(inv, m, today, now);
    }
    return { marked, escalated, recovered };
  }

  /** The invoice's money as the ledger holds it (for its view). */
  async moneyOf(inv: InvoiceDoc): Promise<InvoiceMoney> {
    return (await invoiceMoneyOf(this.d.paymentLedger, [inv])).get(String(inv._id))!;
  }

  /** Issued / partially paid invoices whose due day is before today. */
  private async markOverdue(today: string): Promise<number> {
    const due = await this.d.invoices
      .find(
        { status: { $in: SPLIT_STATUSES }, dueDate: { $lt: new Date(`${today}T00:00:00Z`) } },
        { _id: 1, customerId: 1, amount: 1, status: 1 },
      )
      .limit(this.d.config.batch)
      .lean<Array<Pick<InvoiceDoc, '_id' | 'customerId' | 'amount' | 'status'>>>();
    const money = await invoiceMoneyOf(this.d.paymentLedger, due);
    let marked = 0;
    for (const inv of due) {
      if (money.get(String(inv._id))!.open === 0) continue;
      // Under the invoice's lock so a payment being recalculated at this moment cannot be overwritten.
      const changed = await this.d.lock.withLock(invoiceLockKey(String(inv._id)), 15_000, () =>
        retryTransient(() =>
          this.d.invoices.updateOne(
            { _id: inv._id, status: { $in: SPLIT_STATUSES } },
            { $set: { status: 'overdue' } },
          ),
        ),
      );
      if (changed.modifiedCount === 0) continue;
      marked += 1;
      await this.d.audit.record({
        actor: null,
        action: 'invoice.overdue',
        resource: 'invoice',
        resourceId: inv._id,
        after: { status: 'overdue', on: today },
      });
    }
    if (marked > 0) await this.rescore(due.map((i) => String(i.customerId)));
    return marked;
  }

  /** Fires every rung the invoice has reached and not yet had; returns how many this call fired. */
  private async climb(inv: InvoiceDoc, money: InvoiceMoney, today: string, now: Date): Promise<number> {
    const daysOverdue = daysBetween(calendarDateOf(inv.dueDate), today);
    let fired = 0;
    for (const [i, rung] of this.d.config.ladder.entries()) {
      const level = i + 1;
      if (rung.day > daysOverdue || level <= inv.overdueLevel) continue;
      const step = await this.claim(inv, money, level, rung.day, rung.event, daysOverdue);
      if (!step) continue;
      await this.publish(step, now);
      fired += 1;
    }
    return fired;
  }

  private async claim(
    inv: InvoiceDoc,
    money: InvoiceMoney,
    rung: number,
    day: number,
    event: string,
    daysOverdue: number,
  ): Promise<OverdueStepDoc | null> {
    const payload = {
      ...invoiceEventPayload(inv, money),
      ...(await this.people(inv.customerId)),
      daysOverdue,
      rung,
    };
    try {
      const created = await retryTransient(() =>
        this.d.overdueSteps.create({
          key: `${String(inv._id)}:${rung}`,
          invoiceId: inv._id,
          customerId: inv.customerId,
          rung,
          day,
          event,
          payload,
        }),
      );
      return created.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null; // another run has this rung
      throw err;
    }
  }

  /** Publishes the rung's event (stable id), shows the level on the invoice, audits; safe to repeat. */
  private async publish(step: OverdueStepDoc, at: Date): Promise<void> {
    await this.d.events.publish(step.event, step.payload as never, {
      id: `invoice.overdue_step:${step.key}`,
      occurredAt: at,
    });
    await retryTransient(() =>
      this.d.invoices.updateOne(
        { _id: step.invoiceId, overdueLevel: { $lt: step.rung } },
        { $set: { overdueLevel: step.rung } },
      ),
    );
    await this.d.audit.record({
      actor: null,
      action: 'invoice.overdue_escalated',
      resource: 'invoice',
      resourceId: step.invoiceId,
      after: { rung: step.rung, day: step.day, event: step.event },
    });
    await this.d.overdueSteps.updateOne({ _id: step._id }, { $set: { publishedAt: new Date() } });
  }

  private async finishStale(): Promise<number> {
    const stale = await this.d.overdueSteps
      .find({ publishedAt: null, createdAt: { $lt: new Date(Date.now() - STALE_MS) } })
      .limit(this.d.config.batch)
      .lean<OverdueStepDoc[]>();
    for (const step of stale) await this.publish(step, new Date());
    if (stale.length) this.d.logger.warn({ count: stale.length }, 'finished stale overdue steps');
    return stale.length;
  }

  /** The customer's name, sales owner and the owner's active manager (admins when there is none). */
  private async people(customerId: Types.ObjectId) {
    const customer = await this.d.customers
      .findById(customerId, { name: 1, ownerId: 1 })
      .lean<Pick<CustomerDoc, 'name' | 'ownerId'>>();
    const managerId = await activeManagerOf(this.d.staffUsers, customer?.ownerId);
    const admins = managerId
      ? []
      : await this.d.staffUsers.find({ role: 'admin', active: true }, { _id: 1 }).limit(20).lean();
    return {
      customerName: customer?.name ?? '',
      ownerId: customer?.ownerId ? String(customer.ownerId) : null,
      managerId,
      staffIds: admins.map((a) => String(a._id)),
    };
  }

  /** Finance records (or withdraws) a payment arrangement; while agreed the ladder pauses. */
  async setArrangement(actor: Actor, invoiceId: string, input: InvoiceArrangementInput, requestId?: string) {
    return this.d.lock.withLock(invoiceLockKey(invoiceId), 15_000, async () => {
      const before = await this.d.invoices.findById(invoiceId).lean<InvoiceDoc>();
      if (!before) throw new NotFoundError('付款通知不存在');
      const { status } = await this.moneyOf(before);
      if (input.agreed && !(INVOICE_OPEN_STATUSES as readonly string[]).includes(status))
        throw new AppError('INVOICE_NOT_OPEN');
      const note = input.note?.trim() || null;
      const after = await retryTransient(() =>
        this.d.invoices
          .findByIdAndUpdate(
            invoiceId,
            { $set: { arrangementAgreed: input.agreed, arrangementNote: note } },
            { returnDocument: 'after' },
          )
          .lean<InvoiceDoc>(),
      );
      await this.d.audit.record({
        actor,
        action: input.agreed ? 'invoice.arrangement_agreed' : 'invoice.arrangement_withdrawn',
        resource: 'invoice',
        resourceId: invoiceId,
        before: { arrangementAgreed: before.arrangementAgreed, arrangementNote: before.arrangementNote },
        after: { arrangementAgreed: input.agreed, arrangementNote: note },
        requestId,
      });
      return after!;
    });
  }

  private async rescore(customerIds: string[]): Promise<void> {
    // A failed rescore must not fail the job; the nightly crm.rescore catches up.
    await this.d
      .rescore([...new Set(customerIds)])
      .catch((err: unknown) => this.d.logger.error({ err }, 'rescore after overdue failed'));
  }
}
