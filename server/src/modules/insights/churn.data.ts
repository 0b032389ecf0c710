import type { Types } from 'mongoose';
import type { ContractModel } from '../contracts/contract.model';
import { invoiceSettlementsOf } from '../contracts/invoice-money';
import type { InvoiceModel } from '../contracts/invoice.model';
import type { CustomerModel } from '../crm/customer.model';
import type { ComplaintModel } from '../feedback/complaint.model';
import type { RatingModel } from '../feedback/rating.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { ProjectModel } from '../projects/project.model';
import type { CustomerHistory } from './churn.features';

export interface ChurnSources {
  customers: CustomerModel;
  contracts: ContractModel;
  projects: ProjectModel;
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  ratings: RatingModel;
  complaints: ComplaintModel;
}

const FINISHED = ['completed', 'warranty', 'closed'] as const;

/** Every customer's history, one projected read per collection (FerretDB scans each once). */
export async function loadHistories(src: ChurnSources): Promise<CustomerHistory[]> {
  const [customers, contracts, projects, invoices, ratings, complaints] = await Promise.all([
    src.customers.find({}, { name: 1, ownerId: 1 }).lean(),
    src.contracts.find({ status: 'active' }, { customerId: 1, signedDate: 1, amount: 1 }).lean(),
    src.projects.find({ status: { $in: [...FINISHED] } }, { customerId: 1, actualEnd: 1 }).lean(),
    src.invoices
      .find(
        { status: { $in: ['issued', 'partially_paid', 'paid', 'overdue'] } },
        { customerId: 1, dueDate: 1, amount: 1, status: 1 },
      )
      .lean(),
    src.ratings.find({}, { customerId: 1, overall: 1, createdAt: 1 }).lean(),
    src.complaints.find({}, { customerId: 1, openedAt: 1 }).lean(),
  ]);
  const byId = new Map<string, CustomerHistory>();
  for (const c of customers)
    byId.set(String(c._id), {
      customerId: String(c._id),
      name: c.name,
      ownerId: c.ownerId ? String(c.ownerId) : null,
      contracts: [],
      projectEnds: [],
      invoices: [],
      ratings: [],
      complaints: [],
    });
  const of = (id: Types.ObjectId) => byId.get(String(id));
  for (const c of contracts) of(c.customerId)?.contracts.push({ signedDate: c.signedDate, amount: c.amount });
  for (const p of projects) if (p.actualEnd) of(p.customerId)?.projectEnds.push(p.actualEnd);
  // Paid (and when) as the ledger holds it: a crash before the invoice's recalculation leaves its
  // status and paidAt behind, which would count an invoice paid on time as late.
  const money = await invoiceSettlementsOf(src.paymentLedger, invoices);
  for (const i of invoices) {
    const m = money.get(String(i._id));
    of(i.customerId)?.invoices.push({
      dueDate: i.dueDate,
      paidAt: m?.paidInFullAt ?? null,
      open: m?.status !== 'paid',
    });
  }
  for (const r of ratings) of(r.customerId)?.ratings.push({ overall: r.overall, at: r.createdAt });
  for (const c of complaints) of(c.customerId)?.complaints.push(c.openedAt);
  return [...byId.values()];
}
