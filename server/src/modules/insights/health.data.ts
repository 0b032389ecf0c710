import { Types } from 'mongoose';
import {
  calendarDateOf,
  INVOICE_OPEN_STATUSES,
  OPEN_COMPLAINT_STATUSES,
  type CustomerTier,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { ContractModel } from '../contracts/contract.model';
import { invoiceMoneyOf } from '../contracts/invoice-money';
import type { InvoiceModel } from '../contracts/invoice.model';
import type { CustomerModel } from '../crm/customer.model';
import type { OpportunityModel } from '../crm/opportunity.model';
import type { ChatMessageModel } from '../feedback/chat.model';
import type { ComplaintModel } from '../feedback/complaint.model';
import type { RatingModel } from '../feedback/rating.model';
import type { ResponseClockModel } from '../feedback/response-clock.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { ProjectModel } from '../projects/project.model';

export interface HealthSources {
  staffUsers: StaffUserModel;
  customers: CustomerModel;
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  ratings: RatingModel;
  complaints: ComplaintModel;
  opportunities: OpportunityModel;
  contracts: ContractModel;
  responseClocks: ResponseClockModel;
  chatMessages: ChatMessageModel;
  projects: ProjectModel;
  audit: AuditLog;
}

export interface HealthFacts {
  customers: Array<{ id: string; name: string; ownerId: string; score: number | null; tier: CustomerTier }>;
  overdue: Map<string, { amount: number; count: number }>;
  lowRatings: Map<string, Array<{ ratingId: string; overall: number; at: string; comment: string }>>;
  openComplaints: Map<string, number>;
  lastContact: Map<string, Date>;
  /** Tier before the first change in the lookback (from the scoring audit). */
  tierBefore: Map<string, { tier: CustomerTier; score: number | null }>;
}

const DAY_MS = 86_400_000;

/** Everything the week's reports need, one projected read per collection. */
export async function loadHealthFacts(
  src: HealthSources,
  now: Date,
  o: { lowRatingMax: number; lookbackDays: number; quietDays: number },
): Promise<HealthFacts> {
  const since = new Date(now.getTime() - o.lookbackDays * DAY_MS);
  const contactSince = new Date(now.getTime() - Math.max(o.quietDays, 365) * DAY_MS);
  const today = new Date(`${calendarDateOf(now)}T00:00:00Z`);
  const [customers, invoices, ratings, complaints, opps, contracts, clocks, chats, projects, tierAudit] =
    await Promise.all([
      src.customers.find({ ownerId: { $ne: null } }, { name: 1, ownerId: 1, score: 1, tier: 1 }).lean(),
      src.invoices
        .find(
          { status: { $in: [...INVOICE_OPEN_STATUSES] }, dueDate: { $lt: today } },
          { customerId: 1, amount: 1, status: 1 },
        )
        .lean(),
      src.ratings
        .find(
          { createdAt: { $gte: since }, overall: { $lte: o.lowRatingMax } },
          { customerId: 1, overall: 1, createdAt: 1, comment: 1 },
        )
        .lean(),
      src.complaints.find({ status: { $in: [...OPEN_COMPLAINT_STATUSES] } }, { customerId: 1 }).lean(),
      src.opportunities.find({ updatedAt: { $gte: contactSince } }, { customerId: 1, updatedAt: 1 }).lean(),
      src.contracts.find({ createdAt: { $gte: contactSince } }, { customerId: 1, createdAt: 1 }).lean(),
      src.responseClocks
        .find({ answeredAt: { $gte: contactSince } }, { customerId: 1, answeredAt: 1 })
        .lean(),
      src.chatMessages
        .find({ createdAt: { $gte: contactSince }, 'author.side': 'staff' }, { projectId: 1, createdAt: 1 })
        .lean(),
      src.projects.find({}, { customerId: 1 }).lean(),
      src.audit.model
        .find({ action: 'customer.tier_changed', at: { $gte: since } }, { resourceId: 1, before: 1, at: 1 })
        .sort({ at: 1 })
        .lean(),
    ]);
  // Open as the ledger holds it: a payment a crash left unrecalculated is not reported as owed.
  const money = await invoiceMoneyOf(src.paymentLedger, invoices);
  const overdue = new Map<string, { amount: number; count: number }>();
  for (const i of invoices) {
    const open = money.get(String(i._id))?.open ?? 0;
    if (open <= 0) continue;
    const row = overdue.get(String(i.customerId)) ?? { amount: 0, count: 0 };
    overdue.set(String(i.customerId), { amount: row.amount + open, count: row.count + 1 });
  }
  const lowRatings = new Map<string, HealthFacts['lowRatings'] extends Map<string, infer V> ? V : never>();
  for (const r of ratings)
    lowRatings.set(String(r.customerId), [
      ...(lowRatings.get(String(r.customerId)) ?? []),
      {
        ratingId: String(r._id),
        overall: r.overall,
        at: r.createdAt.toISOString(),
        comment: r.comment ?? '',
      },
    ]);
  const openComplaints = new Map<string, number>();
  for (const c of complaints)
    openComplaints.set(String(c.customerId), (openComplaints.get(String(c.customerId)) ?? 0) + 1);
  const lastContact = new Map<string, Date>();
  const touch = (customerId: Types.ObjectId | string | null | undefined, at: Date | null | undefined) => {
    if (!customerId || !at) return;
    const key = String(customerId);
    const prev = lastContact.get(key);
    if (!prev || prev < at) lastContact.set(key, at);
  };
  for (const x of opps) touch(x.customerId, x.updatedAt);
  for (const x of contracts) touch(x.customerId, x.createdAt);
  for (const x of clocks) touch(x.customerId, x.answeredAt);
  const projectCustomer = new Map(projects.map((p) => [String(p._id), String(p.customerId)]));
  for (const x of chats) touch(projectCustomer.get(String(x.projectId)), x.createdAt);
  const tierBefore = new Map<string, { tier: CustomerTier; score: number | null }>();
  for (const a of tierAudit) {
    const before = a.before as { tier?: CustomerTier; score?: number | null } | undefined;
    if (before?.tier && !tierBefore.has(a.resourceId))
      tierBefore.set(a.resourceId, { tier: before.tier, score: before.score ?? null });
  }
  return {
    customers: customers.map((c) => ({
      id: String(c._id),
      name: c.name,
      ownerId: String(c.ownerId),
      score: c.score ?? null,
      tier: c.tier,
    })),
    overdue,
    lowRatings,
    openComplaints,
    lastContact,
    tierBefore,
  };
}

export const asObjectId = (id: string) => new Types.ObjectId(id);
