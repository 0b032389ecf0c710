import type { Types } from 'mongoose';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { ContractModel } from '../contracts/contract.model';
import type { InvoiceModel } from '../contracts/invoice.model';
import { openInvoicesAt } from '../contracts/receivables';
import type { CustomerModel } from '../crm/customer.model';
import type { OpportunityModel } from '../crm/opportunity.model';
import type { RatingModel } from '../feedback/rating.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { ResponseClockModel } from '../feedback/response-clock.model';
import type { ProjectModel } from '../projects/project.model';
import type { KpiData, Window } from './kpi.compute';
import type { InsightsScope } from './insights.scope';

export interface KpiSources {
  staffUsers: StaffUserModel;
  customers: CustomerModel;
  projects: ProjectModel;
  responseClocks: ResponseClockModel;
  contracts: ContractModel;
  ratings: RatingModel;
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  opportunities: OpportunityModel;
}

type Id = Types.ObjectId;
const s = (id: Id | null | undefined) => (id ? String(id) : null);

/**
 * Reads each collection once, with a projection and the window in the filter where the collection
 * has an index on it (FerretDB scans otherwise anyway), and keeps only the caller's customers.
 */
export async function loadKpiData(src: KpiSources, w: Window, scope: InsightsScope): Promise<KpiData> {
  const window = { $gte: w.from, $lt: w.to };
  const [staff, customers, projects, clocks, contracts, ratings, invoices, opportunities] = await Promise.all(
    [
      src.staffUsers.find({}, { name: 1, managerId: 1 }).lean(),
      src.customers.find({}, { name: 1, ownerId: 1 }).lean(),
      src.projects.find({}, { type: 1, customerId: 1, plannedEnd: 1, actualEnd: 1, status: 1 }).lean(),
      src.responseClocks
        .find(
          { openedAt: window },
          { customerId: 1, projectId: 1, openedAt: 1, answeredAt: 1, responseSeconds: 1 },
        )
        .lean(),
      src.contracts
        .find({ status: 'active', signedDate: { $lt: w.to } }, { customerId: 1, projectId: 1, signedDate: 1 })
        .lean(),
      src.ratings
        .find({ createdAt: window }, { customerId: 1, projectId: 1, overall: 1, createdAt: 1 })
        .lean(),
      // Open as they stood at the window's end (from the payment ledger), like GET /receivables?asOf.
      openInvoicesAt(src, w.to),
      src.opportunities
        .find({ createdAt: window }, { customerId: 1, stage: 1, expectedAmount: 1, createdAt: 1 })
        .lean(),
    ],
  );
  const members = scope.kind === 'team' ? scope.memberIds : null;
  const customerMap = new Map<string, { name: string; ownerId: string | null }>();
  for (const c of customers) {
    const ownerId = s(c.ownerId);
    if (members && (!ownerId || !members.has(ownerId))) continue;
    customerMap.set(String(c._id), { name: c.name, ownerId });
  }
  const mine = (customerId: Id) => customerMap.has(String(customerId));
  return {
    staff: new Map(staff.map((u) => [String(u._id), { name: u.name, managerId: s(u.managerId) }])),
    customers: customerMap,
    projects: new Map(
      projects
        .filter((p) => mine(p.customerId))
        .map((p) => [
          String(p._id),
          {
            type: p.type ?? 'residential',
            customerId: String(p.customerId),
            plannedEnd: p.plannedEnd,
            actualEnd: p.actualEnd ?? null,
            status: p.status,
          },
        ]),
    ),
    clocks: clocks
      .filter((c) => mine(c.customerId))
      .map((c) => ({
        id: String(c._id),
        customerId: String(c.customerId),
        projectId: s(c.projectId),
        openedAt: c.openedAt,
        seconds: c.answeredAt ? (c.responseSeconds ?? null) : null,
      })),
    contracts: contracts
      .filter((c) => mine(c.customerId))
      .map((c) => ({
        id: String(c._id),
        customerId: String(c.customerId),
        projectId: s(c.projectId),
        signedDate: c.signedDate,
      })),
    ratings: ratings
      .filter((r) => mine(r.customerId))
      .map((r) => ({
        id: String(r._id),
        customerId: String(r.customerId),
        projectId: String(r.projectId),
        overall: r.overall,
        at: r.createdAt,
      })),
    invoices: invoices
      .filter((i) => mine(i.customerId))
      .map((i) => ({
        id: String(i._id),
        customerId: String(i.customerId),
        projectId: s(i.projectId),
        open: i.open,
        dueDate: i.dueDate,
        issuedAt: i.issuedAt ?? null,
      })),
    opportunities: opportunities
      .filter((o) => mine(o.customerId))
      .map((o) => ({
        id: String(o._id),
        customerId: String(o.customerId),
        stage: o.stage,
        amount: o.expectedAmount ?? 0,
        at: o.createdAt,
      })),
  };
}
