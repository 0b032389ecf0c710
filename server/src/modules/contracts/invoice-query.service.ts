import { Types } from 'mongoose';
import {
  calendarDateOf,
  INVOICE_OPEN_STATUSES,
  type Invoice,
  type InvoiceListQuery,
  type Page,
  type Receivables,
  type ReceivablesQuery,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { ForbiddenError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import type { CustomerModel } from '../crm/customer.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { InvoiceDoc, InvoiceModel } from './invoice.model';
import type { InvoiceService } from './invoice.service';
import { invoiceMoneyOf } from './invoice-money';
import { toInvoice } from './invoice.view';
import type { MoneyAccess } from './money-access';
import { ageOpenAmounts, endOfShanghaiDay, openInvoicesAt } from './receivables';

export interface InvoiceQueryDeps {
  invoices: InvoiceModel;
  customers: CustomerModel;
  access: MoneyAccess;
  invoiceService: Pick<InvoiceService, 'getReadable'>;
  /** The payments module's ledger (read only): receivables for a past day are rebuilt from it. */
  paymentLedger: LedgerEntryModel;
  clock?: () => Date;
}

/** Reading invoices: scoped lists, detail, and finance's receivables with aging. */
export class InvoiceQueries {
  constructor(private readonly deps: InvoiceQueryDeps) {}

  private now(): Date {
    return this.deps.clock ? this.deps.clock() : new Date();
  }

  async list(actor: Actor, query: InvoiceListQuery): Promise<Page<Invoice>> {
    const scope = await this.deps.access.scope(actor);
    // Drafts are finance's work in progress: a status filter narrows a customer's view, never past that.
    const visible = actor.role === 'customer' ? { status: { $ne: 'draft' } } : null;
    const narrow: Record<string, unknown> = {};
    if (query.status) narrow.status = query.status;
    if (query.customerId) narrow.customerId = new Types.ObjectId(query.customerId);
    if (query.contractId) narrow.contractId = new Types.ObjectId(query.contractId);
    if (query.projectId) narrow.projectId = new Types.ObjectId(query.projectId);
    if (query.overdue === 'true') {
      const today = Date.parse(`${calendarDateOf(this.now())}T00:00:00Z`);
      narrow.dueDate = { $lt: new Date(today) };
      if (!query.status) narrow.status = { $in: [...INVOICE_OPEN_STATUSES] };
    }
    const page = await paginateById(
      this.deps.invoices,
      { scope, narrow: [visible, narrow] },
      query,
      (d) => d as InvoiceDoc,
    );
    return { ...page, items: await this.views(page.items) };
  }

  async get(actor: Actor, id: string): Promise<Invoice> {
    const [view] = await this.views([await this.deps.invoiceService.getReadable(actor, id)]);
    return view!;
  }

  /** Invoices as shown: customer names, and the money from the ledger (one read each for the page). */
  async views(invoices: InvoiceDoc[]): Promise<Invoice[]> {
    const names = await this.customerNames(invoices.map((i) => i.customerId));
    const money = await invoiceMoneyOf(this.deps.paymentLedger, invoices);
    return invoices.map((i) =>
      toInvoice(i, names.get(String(i.customerId)) ?? null, money.get(String(i._id))!),
    );
  }

  /**
   * Open amounts per customer by days past due as of the end of `asOf` (default today, Asia/Shanghai),
   * from the ledger entries before that instant (see receivables.ts). Today goes through the same
   * computation rather than a fast path over the invoices' status/paidAmount: those are recomputed
   * from the ledger (all of it, and ledger times are settlement times, so none lie after today's end),
   * so whenever they are in step the result is the same as reading them, and in the
   * moment a recalculation lags the ledger (the source of truth) is the right answer anyway. One
   * path also means the past-day logic is what every default report exercises.
   */
  async receivables(actor: Actor, query: ReceivablesQuery): Promise<Receivables> {
    if (actor.role !== 'admin' && actor.role !== 'finance') throw new ForbiddenError();
    const asOf = query.asOf ?? calendarDateOf(this.now());
    const open = await openInvoicesAt(this.deps, endOfShanghaiDay(asOf));
    const { totals, perCustomer } = ageOpenAmounts(open, asOf);
    const names = await this.customerNames([...perCustomer.keys()].map((k) => new Types.ObjectId(k)));
    const customers = [...perCustomer.entries()]
      .map(([customerId, row]) => ({ customerId, customerName: names.get(customerId) ?? null, ...row }))
      .sort((a, b) => b.total - a.total);
    return { asOf, totals, customers };
  }

  private async customerNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const docs = await this.deps.customers.find({ _id: { $in: ids } }, { name: 1 }).lean();
    return new Map(docs.map((d) => [String(d._id), d.name]));
  }
}
