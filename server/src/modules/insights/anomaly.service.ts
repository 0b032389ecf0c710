import { Types } from 'mongoose';
import {
  ANOMALY_SUBJECTS,
  type AnomalyFlag,
  type AnomalyListQuery,
  type AnomalyPage,
  type AnomalySubject,
  type ResolveAnomalyInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { ConflictError, isDuplicateKeyError, NotFoundError } from '../../core/errors';
import type { DomainEvent, EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, grantScope } from '../../core/policy';
import type { CustomerModel } from '../crm/customer.model';
import { loadCandidates, type AnomalySources } from './anomaly.data';
import type { AnomalyFlagDoc, AnomalyFlagModel } from './anomaly.model';
import { baselineOf, evaluate, SUBJECT_LABELS, type Baseline, type Candidate } from './anomaly.rules';
import type { InsightsConfig } from './insights.config';

export interface AnomalyDeps extends AnomalySources {
  anomalyFlags: AnomalyFlagModel;
  customers: CustomerModel;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: InsightsConfig['anomaly'];
}

const DAY_MS = 86_400_000;
const SCAN_DAYS = 7;
/** A single record is compared with the firm's newest records of its kind (the scan uses all of them). */
const FIRM_WINDOW = 5000;
const MONEY_ROLES = ['admin', 'finance'];

/** Anomaly flags: a daily scan of the last week's records and a check of each record as it happens. */
export class AnomalyService {
  constructor(private readonly deps: AnomalyDeps) {}

  async scan(now = new Date()): Promise<{ checked: number; flagged: number }> {
    let checked = 0;
    let flagged = 0;
    for (const subject of ANOMALY_SUBJECTS) {
      const all = await loadCandidates(this.deps, subject);
      // The firm's baseline includes the records being checked: one summary per kind per scan.
      const baseline = baselineOf(all.map((c) => c.amount));
      const byCustomer = new Map<string, Candidate[]>();
      for (const c of all) byCustomer.set(c.customerId, [...(byCustomer.get(c.customerId) ?? []), c]);
      const recent = all.filter((c) => c.at.getTime() >= now.getTime() - SCAN_DAYS * DAY_MS);
      for (const c of recent) {
        checked += 1;
        const earlier = (byCustomer.get(c.customerId) ?? []).filter((x) => x.at < c.at).map((x) => x.amount);
        flagged += await this.record(c, baseline, earlier);
      }
    }
    return { checked, flagged };
  }

  /** Checks one record as its event arrives; never fails the publisher (logged instead). */
  onEvent(subject: AnomalySubject, idField: string) {
    return async (event: DomainEvent) => {
      const id = event.payload[idField];
      if (typeof id !== 'string' || !Types.ObjectId.isValid(id)) return;
      try {
        await this.checkOne(subject, id);
      } catch (err) {
        this.deps.logger.error({ err, subject, id }, 'anomaly check failed');
      }
    };
  }

  async checkOne(subject: AnomalySubject, id: string): Promise<number> {
    const [c] = await loadCandidates(this.deps, subject, { _id: new Types.ObjectId(id) });
    if (!c) return 0;
    const firm = await this.firmBaseline(subject);
    const mine = await loadCandidates(this.deps, subject, { customerId: new Types.ObjectId(c.customerId) });
    const earlier = mine.filter((x) => x.at < c.at && x.subjectId !== c.subjectId).map((x) => x.amount);
    return this.record(c, firm, earlier);
  }

  private async firmBaseline(subject: AnomalySubject): Promise<Baseline | null> {
    return baselineOf((await loadCandidates(this.deps, subject, {}, FIRM_WINDOW)).map((c) => c.amount));
  }

  /** Stores each finding once (unique subject+record+rule) and tells finance or the customer's owner. */
  private async record(c: Candidate, firm: Baseline | null, customer: number[]): Promise<number> {
    const findings = evaluate(c, firm, customer, this.deps.config);
    if (findings.length === 0) return 0;
    const cust = await this.deps.customers.findById(c.customerId, { name: 1, ownerId: 1 }).lean();
    const ownerId = cust?.ownerId ? String(cust.ownerId) : null;
    const toOwner = c.subject === 'change_request' && ownerId !== null;
    let stored = 0;
    for (const f of findings) {
      try {
        await this.deps.anomalyFlags.create({
          subject: c.subject,
          subjectId: new Types.ObjectId(c.subjectId),
          customerId: new Types.ObjectId(c.customerId),
          customerName: cust?.name ?? null,
          rule: f.rule,
          reason: f.reason,
          amount: c.amount,
          baseline: f.baseline,
          assignee: toOwner ? `owner:${ownerId}` : 'finance',
          createdAt: new Date(),
        });
      } catch (err) {
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
      stored += 1;
      await this.deps.events.publish(
        toOwner ? 'anomaly.flagged_owner' : 'anomaly.flagged_finance',
        {
          customerId: c.customerId,
          ownerId: ownerId ?? undefined,
          customerName: cust?.name ?? '',
          subjectLabel: SUBJECT_LABELS[c.subject],
          reason: f.reason,
          subject: c.subject,
          subjectId: c.subjectId,
        },
        { id: `anomaly:${c.subject}:${c.subjectId}:${f.rule}` },
      );
    }
    return stored;
  }

  async list(actor: Actor, q: AnomalyListQuery): Promise<AnomalyPage> {
    const scope = MONEY_ROLES.includes(actor.role)
      ? EVERYTHING
      : grantScope({ assignee: `owner:${actor.id}` });
    const narrow: Record<string, unknown> = {};
    if (q.status) narrow.status = q.status;
    if (q.subject) narrow.subject = q.subject;
    return paginateById(this.deps.anomalyFlags, { scope, narrow }, q, (d) => toView(d as AnomalyFlagDoc));
  }

  async resolve(
    actor: Actor,
    id: string,
    input: ResolveAnomalyInput,
    requestId?: string,
  ): Promise<AnomalyFlag> {
    const flag = Types.ObjectId.isValid(id)
      ? await this.deps.anomalyFlags.findById(id).lean<AnomalyFlagDoc>()
      : null;
    const mayAct = flag && (MONEY_ROLES.includes(actor.role) || flag.assignee === `owner:${actor.id}`);
    // Someone else's flag reads as absent, as records do elsewhere.
    if (!flag || !mayAct) throw new NotFoundError();
    const resolvedAt = new Date();
    const done = await this.deps.anomalyFlags.findOneAndUpdate(
      { _id: flag._id, status: 'open' },
      {
        $set: {
          status: 'resolved',
          resolvedAt,
          resolvedBy: { id: actor.id, name: actor.name },
          resolution: input.note,
        },
      },
      { returnDocument: 'after' },
    );
    if (!done) throw new ConflictError('CONFLICT', '该异常已处理');
    await this.deps.audit.record({
      actor,
      action: 'anomaly.resolved',
      resource: 'anomaly_flag',
      resourceId: flag._id,
      before: { status: 'open' },
      after: { status: 'resolved', note: input.note },
      requestId,
    });
    return toView(done.toObject() as AnomalyFlagDoc);
  }
}

function toView(d: AnomalyFlagDoc): AnomalyFlag {
  const links: Record<AnomalyFlagDoc['subject'], string> = {
    invoice: `/api/v1/invoices/${d.subjectId}`,
    payment: `/api/v1/payments/${d.subjectId}`,
    refund: `/api/v1/refunds/${d.subjectId}`,
    change_request: `/api/v1/change-requests/${d.subjectId}`,
  };
  return {
    id: String(d._id),
    subject: d.subject,
    subjectId: String(d.subjectId),
    customerId: String(d.customerId),
    customerName: d.customerName,
    rule: d.rule,
    reason: d.reason,
    amount: d.amount,
    baseline: d.baseline,
    assignee: d.assignee,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    resolvedAt: d.resolvedAt ? d.resolvedAt.toISOString() : null,
    resolvedBy: d.resolvedBy,
    resolution: d.resolution,
    link: links[d.subject],
  };
}
