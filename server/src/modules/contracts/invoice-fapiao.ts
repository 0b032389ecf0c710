import type { Types } from 'mongoose';
import type { IssueFapiaoInput, RequestFapiaoInput } from '@gantry/shared';
import { dateOfCalendarDate } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { RedisLock } from '../../core/redis-lock';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';
import { invoiceLockKey, type InvoiceService } from './invoice.service';
import type { MoneyAccess } from './money-access';

type Fapiao = InvoiceDoc['fapiao'];

/** Fapiao tracking on an invoice: none → requested (customer or finance) → issued (finance, number and date). */
export class InvoiceFapiao {
  constructor(
    private readonly deps: {
      invoices: InvoiceModel;
      access: MoneyAccess;
      invoiceService: Pick<InvoiceService, 'getReadable' | 'getManaged'>;
      lock: RedisLock;
      audit: AuditLog;
    },
  ) {}

  async request(actor: Actor, invoiceId: string, input: RequestFapiaoInput, requestId?: string) {
    const inv = await this.deps.invoiceService.getReadable(actor, invoiceId);
    if (actor.role !== 'customer' && !this.deps.access.managesInvoices(actor)) throw new ForbiddenError();
    if (inv.status === 'void') throw new AppError('FAPIAO_STATE_INVALID');
    return this.move(actor, inv._id, 'none', requestId, (f) => ({
      ...f,
      status: 'requested',
      title: input.title,
      taxId: input.taxId || null,
      requestedAt: new Date(),
    }));
  }

  async issue(actor: Actor, invoiceId: string, input: IssueFapiaoInput, requestId?: string) {
    const inv = await this.deps.invoiceService.getManaged(actor, invoiceId);
    return this.move(actor, inv._id, 'requested', requestId, (f) => ({
      ...f,
      status: 'issued',
      number: input.number,
      issuedDate: dateOfCalendarDate(input.issuedDate),
    }));
  }

  /** Guarded on the status it leaves, under the invoice lock (guarded updates alone are not atomic on FerretDB). */
  private async move(
    actor: Actor,
    id: Types.ObjectId,
    from: Fapiao['status'],
    requestId: string | undefined,
    next: (f: Fapiao) => Fapiao,
  ): Promise<InvoiceDoc> {
    return this.deps.lock.withLock(invoiceLockKey(String(id)), 15_000, async () => {
      const fresh = await this.deps.invoices.findById(id).lean<InvoiceDoc>();
      if (!fresh) throw new NotFoundError('付款通知不存在');
      if (fresh.fapiao.status !== from) throw new AppError('FAPIAO_STATE_INVALID');
      const fapiao = next(fresh.fapiao);
      const after = await retryTransient(() =>
        this.deps.invoices
          .findByIdAndUpdate(id, { $set: { fapiao } }, { returnDocument: 'after' })
          .lean<InvoiceDoc>(),
      );
      if (!after) throw new NotFoundError('付款通知不存在');
      await this.deps.audit.record({
        actor,
        action: `invoice.fapiao_${fapiao.status}`,
        resource: 'invoice',
        resourceId: id,
        before: { fapiao: from },
        after: { fapiao: fapiao.status, number: fapiao.number },
        requestId,
      });
      return after;
    });
  }
}
