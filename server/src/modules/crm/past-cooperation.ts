import { Types } from 'mongoose';
import { OPEN_COMPLAINT_STATUSES, type InvoiceStatus, type PastCooperation } from '@gantry/shared';
import type { ChangeOutcomeModel, ChangeRequestModel } from '../changes/change-request.model';
import { invoiceSettlementsOf } from '../contracts/invoice-money';
import type { InvoiceDoc, InvoiceModel } from '../contracts/invoice.model';
import type { ComplaintModel } from '../feedback/complaint.model';
import type { RatingModel } from '../feedback/rating.model';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { ProjectModel } from '../projects/project.model';
import { pastProjectsOf } from '../projects/project.service';
import type { CustomerDoc, CustomerModel } from './customer.model';
import type { OpportunityDoc, OpportunityModel } from './opportunity.model';
import {
  paymentBehaviour,
  ratingFigures,
  riskNotes,
  riskTagsOf,
  scopeChanges,
  type ApprovedChangeRow,
  type ChangeRow,
  type InvoiceRow,
} from './past-cooperation.rules';

/** The projects read (most recent first); the figures cover these. */
const PROJECT_LIMIT = 20;
/** Bounds on the other reads (a customer beyond them is an outlier; the newest rows are kept). */
const ROW_LIMIT = 2000;
const INVOICE_STATUSES_READ: InvoiceStatus[] = ['issued', 'partially_paid', 'paid', 'overdue'];

export interface PastCooperationDeps {
  customers: CustomerModel;
  projects: ProjectModel;
  opportunities: OpportunityModel;
  changeRequests: ChangeRequestModel;
  changeOutcomes: ChangeOutcomeModel;
  invoices: InvoiceModel;
  paymentLedger: LedgerEntryModel;
  complaints: ComplaintModel;
  ratings: RatingModel;
}

/**
 * A customer's past cooperation, for the opportunity detail: read-only queries with projections into
 * the projects, changes, contracts (invoices) and feedback collections — one bounded query per
 * collection, none per project — then computed by past-cooperation.rules.ts.
 */
export class PastCooperationReader {
  constructor(private readonly d: PastCooperationDeps) {}

  async of(customerId: Types.ObjectId, exceptOpportunityId: Types.ObjectId, now = new Date()) {
    const read = await this.projectsOf(customerId);
    const projectIds = read.projects.map((p) => new Types.ObjectId(p.id));
    const byProject = { projectId: { $in: projectIds } };
    const [customer, others, requests, approved, invoices, openComplaints, ratings] = await Promise.all([
      this.d.customers
        .findById(customerId, { tier: 1, tags: 1, notes: 1 })
        .lean<Pick<CustomerDoc, 'tier' | 'tags' | 'notes'>>(),
      this.d.opportunities
        .find(
          { customerId, _id: { $ne: exceptOpportunityId }, stage: { $in: ['signed', 'lost'] } },
          { stage: 1 },
        )
        .limit(ROW_LIMIT)
        .lean<Array<Pick<OpportunityDoc, 'stage'>>>(),
      projectIds.length
        ? this.d.changeRequests.find(byProject, { projectId: 1 }).limit(ROW_LIMIT).lean<ChangeRow[]>()
        : [],
      // The outcome holds the quote the customer approved, frozen at the decision.
      projectIds.length
        ? this.d.changeOutcomes
            .find({ ...byProject, outcome: 'approved' }, { projectId: 1, quote: 1 })
            .limit(ROW_LIMIT)
            .lean<ApprovedChangeRow[]>()
        : [],
      this.invoicesOf(customerId),
      this.d.complaints.countDocuments({ customerId, status: { $in: OPEN_COMPLAINT_STATUSES } }),
      this.d.ratings
        .find({ customerId }, { overall: 1 })
        .sort({ createdAt: -1 })
        .limit(ROW_LIMIT)
        .lean<Array<{ overall: number }>>(),
    ]);
    return assemble({
      ...read,
      tier: customer?.tier ?? 'regular',
      tags: customer?.tags ?? [],
      customerNotes: customer?.notes ?? '',
      won: others.filter((o) => o.stage === 'signed').length,
      lost: others.filter((o) => o.stage === 'lost').length,
      requests,
      approved,
      invoices,
      openComplaints,
      overalls: ratings.map((r) => r.overall),
      now,
    });
  }

  /** The invoices with their money and paid-in-full time as the ledger holds them (one ledger read). */
  private async invoicesOf(customerId: Types.ObjectId): Promise<InvoiceRow[]> {
    const rows = await this.d.invoices
      .find({ customerId, status: { $in: INVOICE_STATUSES_READ } }, { status: 1, amount: 1, dueDate: 1 })
      .sort({ _id: -1 })
      .limit(ROW_LIMIT)
      .lean<Array<Pick<InvoiceDoc, '_id' | 'status' | 'amount' | 'dueDate'>>>();
    const money = await invoiceSettlementsOf(this.d.paymentLedger, rows);
    return rows.map((inv) => {
      const m = money.get(String(inv._id))!;
      return { dueDate: inv.dueDate, status: m.status, open: m.open, paidAt: m.paidInFullAt };
    });
  }

  private async projectsOf(customerId: Types.ObjectId) {
    const projects = await pastProjectsOf(this.d.projects, customerId, PROJECT_LIMIT + 1);
    return { projects: projects.slice(0, PROJECT_LIMIT), projectsTruncated: projects.length > PROJECT_LIMIT };
  }
}

function assemble(r: {
  projects: PastCooperation['projects'];
  projectsTruncated: boolean;
  tier: PastCooperation['risk']['tier'];
  tags: string[];
  customerNotes: string;
  won: number;
  lost: number;
  requests: ChangeRow[];
  approved: ApprovedChangeRow[];
  invoices: InvoiceRow[];
  openComplaints: number;
  overalls: number[];
  now: Date;
}): PastCooperation {
  const changes = scopeChanges(r.projects, r.requests, r.approved);
  const payments = paymentBehaviour(r.invoices, r.now);
  const risk = {
    tier: r.tier,
    openComplaints: r.openComplaints,
    ...ratingFigures(r.overalls),
    riskTags: riskTagsOf(r.tags),
  };
  return {
    projects: r.projects,
    projectsTruncated: r.projectsTruncated,
    opportunities: { won: r.won, lost: r.lost },
    changes,
    payments,
    risk: { ...risk, customerNotes: r.customerNotes, notes: riskNotes({ changes, payments, risk }) },
  };
}
