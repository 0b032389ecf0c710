import { Types } from 'mongoose';
import {
  calendarDateOf,
  daysBetween,
  INVOICE_OPEN_STATUSES,
  invoiceOpenAmount,
  type AgingBucket,
  type AgingBuckets,
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
import type { InvoiceDoc, InvoiceModel } from './invoice.model';
import type { InvoiceService } from './invoice.service';
import { toInvoice } from './invoice.view';
import type { MoneyAccess } from './money-access';

export interface InvoiceQueryDeps {
  invoices: InvoiceModel;
  customers: CustomerModel;
  access: MoneyAccess;
  invoiceService: Pick<InvoiceService, 'getReadable'>;
  clock?: () => Date;
}

const DAY_MS = 86_400_000;
const emptyBuckets = (): AgingBuckets => ({
  current: 0,
  d0_30: 0,
  d31_60: 0,
  d61_90: 0,
  d90_plus: 0,
  total: 0,
});

/** Days past due → bucket: not yet due, 0–30, 31–60, 61–90, over 90 (0 = due today). */
export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue < 0) return 'current';
  if (daysPastDue <= 30) return 'd0_30';
  if (daysPastDue <= 60) return 'd31_60';
  if (daysPastDue <= 90) return 'd61_90';
  return 'd90_plus';
}

/** Reading invoices: scoped lists, detail, and finance's receivables with aging. */
export class InvoiceQueries {
  constructor(private readonly deps: InvoiceQueryDeps) {}

  private now(): Date {
    return this.deps.clock ? this.deps.clock() : new Date();
  }

  async list(actor: Actor, query: InvoiceListQuery): Promise<Page<Invoice>> {
    const filter: Record<string, unknown> = { ...(await this.deps.access.scope(actor)) };
    if (query.status) filter.status = query.status;
    else if (actor.role === 'customer') filter.status = { $ne: 'draft' };
    if (actor.role === 'customer' && query.status === 'draft') return { items: [], nextCursor: null };
    if (query.customerId) filter.customerId = new Types.ObjectId(query.customerId);
    if (query.contractId) filter.contractId = new Types.ObjectId(query.contractId);
    if (query.projectId) filter.projectId = new Types.ObjectId(query.projectId);
    if (query.overdue === 'true') {
      const today = Date.parse(`${calendarDateOf(this.now())}T00:00:00Z`);
      filter.dueDate = { $lt: new Date(today) };
      if (!query.status) filter.status = { $in: [...INVOICE_OPEN_STATUSES] };
    }
    const page = await paginateById(this.deps.invoices, filter, query, (d) => d as InvoiceDoc);
    const names = await this.customerNames(page.items.map((i) => i.customerId));
    return { ...page, items: page.items.map((i) => toInvoice(i, names.get(String(i.customerId)) ?? null)) };
  }

  async get(actor: Actor, id: string): Promise<Invoice> {
    const inv = await this.deps.invoiceService.getReadable(actor, id);
    const names = await this.customerNames([inv.customerId]);
    return toInvoice(inv, names.get(String(inv.customerId)) ?? null);
  }

  /**
   * Open amounts per customer by days past due as of `asOf` (default today, Asia/Shanghai). Counts
   * invoices issued by the end of that day with money open now (the ledger keeps no history of
   * what was open on a past day).
   */
  async receivables(actor: Actor, query: ReceivablesQuery): Promise<Receivables> {
    if (actor.role !== 'admin' && actor.role !== 'finance') throw new ForbiddenError();
    const asOf = query.asOf ?? calendarDateOf(this.now());
    const endOfDay = new Date(Date.parse(`${asOf}T00:00:00Z`) - 8 * 3_600_000 + DAY_MS);
    const open = await this.deps.invoices
      .find({ status: { $in: [...INVOICE_OPEN_STATUSES] }, issuedAt: { $lt: endOfDay } })
      .lean<InvoiceDoc[]>();
    const totals = emptyBuckets();
    const perCustomer = new Map<string, AgingBuckets & { invoiceCount: number }>();
    for (const inv of open) {
      const amount = invoiceOpenAmount(inv);
      if (amount <= 0) continue;
      const bucket = agingBucket(daysBetween(inv.dueDate.toISOString().slice(0, 10), asOf));
      const key = String(inv.customerId);
      const row = perCustomer.get(key) ?? { ...emptyBuckets(), invoiceCount: 0 };
      row[bucket] += amount;
      row.total += amount;
      row.invoiceCount += 1;
      perCustomer.set(key, row);
      totals[bucket] += amount;
      totals.total += amount;
    }
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
