import { Types } from 'mongoose';
import {
  OPPORTUNITY_STAGE_LABELS,
  canMoveOpportunity,
  isOpenOpportunityStage,
  type CreateOpportunityInput,
  type CreateQuoteInput,
  type Funnel,
  type FunnelQuery,
  type MoveOpportunityStageInput,
  type Opportunity,
  type OpportunityDetail,
  type OpportunityListQuery,
  type OpportunityStage,
  type Page,
  type Quote,
  type UpdateOpportunityInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { Actor } from '../../core/auth/actor';
import { ConflictError, ForbiddenError, NotFoundError, isDuplicateKeyError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import {
  EVERYTHING,
  grantScope,
  NOTHING,
  scopedFilter,
  type MongoFilter,
  type Scope,
} from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { CustomerDoc, CustomerModel } from './customer.model';
import type { CustomerService } from './customer.service';
import { computeFunnel } from './opportunity-funnel';
import type { PastCooperationReader } from './past-cooperation';
import type {
  OpportunityDoc,
  OpportunityModel,
  QuoteDoc,
  QuoteModel,
  StageHistoryDoc,
  StageHistoryModel,
} from './opportunity.model';

export const OPPORTUNITY = 'opportunity';

export interface OpportunityServiceDeps {
  opportunities: OpportunityModel;
  opportunityStageHistory: StageHistoryModel;
  opportunityQuotes: QuoteModel;
  customers: CustomerModel;
  customerService: CustomerService;
  /** The customer's earlier projects, scope changes, payment behaviour and risk notes. */
  pastCooperation: Pick<PastCooperationReader, 'of'>;
  audit: AuditLog;
  lock: RedisLock;
  /** `opportunity.stage_changed` is published on it (customer scoring rescores the customer). */
  events?: EventBus;
}

/** The funnel reads at most this many opportunities of a period. */
const FUNNEL_LIMIT = 5000;
const lockKey = (id: string) => `lock:crm:opportunity:${id}`;
const label = (s: OpportunityStage) => OPPORTUNITY_STAGE_LABELS[s];

/**
 * Opportunities: create for a customer, list and read (scoped like customers: a salesperson sees
 * the opportunities they own or whose customer they own; admins, finance and service all), edit,
 * move through the funnel (under a Redis lock, because FerretDB v1's guarded updates are not
 * atomic), versioned quotes (unique (opportunityId, version), retried on E11000), and the funnel.
 */
export class OpportunityService {
  constructor(private readonly deps: OpportunityServiceDeps) {}

  async create(actor: Actor, input: CreateOpportunityInput, requestId?: string): Promise<Opportunity> {
    const customer = await this.deps.customerService.getForActor(actor, input.customerId, 'change');
    const ownerId = actor.role === 'sales' ? new Types.ObjectId(actor.id) : (customer.ownerId ?? null);
    const now = new Date();
    const doc = await this.deps.opportunities.create({
      ...input,
      customerId: customer._id,
      ownerId,
      stage: 'intention',
      stageEnteredAt: now,
    });
    await this.deps.opportunityStageHistory.create({
      opportunityId: doc._id,
      from: null,
      to: 'intention',
      at: now,
      by: new Types.ObjectId(actor.id),
    });
    await this.audit(actor, 'opportunity.created', doc._id, undefined, { name: doc.name }, requestId);
    return (await this.present([doc.toObject()]))[0]!;
  }

  async list(actor: Actor, query: OpportunityListQuery): Promise<Page<Opportunity>> {
    const filter: MongoFilter = {};
    if (query.stage) filter.stage = query.stage;
    if (query.customerId) filter.customerId = new Types.ObjectId(query.customerId);
    if (query.ownerId) filter.ownerId = new Types.ObjectId(query.ownerId);
    const list = { scope: await this.scope(actor), narrow: filter };
    const page = await paginateById(this.deps.opportunities, list, query, (d) => d as OpportunityDoc);
    return { items: await this.present(page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<OpportunityDetail> {
    const doc = await this.getForActor(actor, id);
    const [opportunity] = await this.present([doc]);
    const [history, quotes, pastCooperation] = await Promise.all([
      this.deps.opportunityStageHistory
        .find({ opportunityId: doc._id })
        .sort({ at: 1 })
        .lean<StageHistoryDoc[]>(),
      this.deps.opportunityQuotes.find({ opportunityId: doc._id }).sort({ version: 1 }).lean<QuoteDoc[]>(),
      this.deps.pastCooperation.of(doc.customerId, doc._id),
    ]);
    return {
      ...opportunity!,
      stageHistory: history.map((h) => ({
        from: h.from ?? null,
        to: h.to,
        at: h.at.toISOString(),
        by: h.by ? String(h.by) : null,
        reason: h.reason ?? null,
      })),
      quotes: quotes.map(toQuote),
      pastCooperation,
    };
  }

  async update(
    actor: Actor,
    id: string,
    input: UpdateOpportunityInput,
    requestId?: string,
  ): Promise<Opportunity> {
    await this.getForActor(actor, id, 'change');
    return this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const current = await this.getForActor(actor, id, 'change');
      await this.deps.opportunities.updateOne({ _id: current._id }, { $set: input }, { runValidators: true });
      const changed = Object.keys(input) as Array<keyof UpdateOpportunityInput>;
      const was = Object.fromEntries(changed.map((k) => [k, current[k]]));
      await this.audit(actor, 'opportunity.updated', current._id, was, input, requestId);
      return this.reload(current._id);
    });
  }

  /** 409 CONFLICT for a move the stage machine does not allow; nothing is written then. */
  async moveStage(
    actor: Actor,
    id: string,
    input: MoveOpportunityStageInput,
    requestId?: string,
  ): Promise<Opportunity> {
    await this.getForActor(actor, id, 'change');
    return this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const current = await this.getForActor(actor, id, 'change');
      const from = current.stage;
      const to = input.stage;
      if (!canMoveOpportunity(from, to))
        throw new ConflictError('CONFLICT', `商机不能从「${label(from)}」变更为「${label(to)}」`, {
          from,
          to,
        });
      await this.applyStage(actor, current, to, input.reason ?? null, requestId);
      return this.reload(current._id);
    });
  }

  /**
   * A contract for this opportunity became active: the opportunity is signed, from whatever open
   * stage it was in (the signed contract is the fact the funnel records). Idempotent: an already
   * signed opportunity is left alone; a lost one is not revived (answers false).
   */
  async markSignedByContract(id: string, actor: Actor, contractNumber: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    return this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const current = await this.deps.opportunities.findById(id).lean<OpportunityDoc>();
      if (!current || current.stage === 'lost') return false;
      if (current.stage === 'signed') return true;
      await this.applyStage(actor, current, 'signed', `合同 ${contractNumber} 已生效`);
      return true;
    });
  }

  /** Writes a stage move (already allowed) with its history entry, audit entry and event. */
  private async applyStage(
    actor: Actor,
    current: OpportunityDoc,
    to: OpportunityStage,
    reason: string | null,
    requestId?: string,
  ): Promise<void> {
    const from = current.stage;
    const input = { stage: to, reason: reason ?? undefined };
    const at = new Date();
    const lostReason = to === 'lost' ? (input.reason ?? null) : null;
    await this.deps.opportunities.updateOne(
      { _id: current._id },
      { $set: { stage: to, stageEnteredAt: at, lostReason } },
    );
    const entry = await this.deps.opportunityStageHistory.create({
      opportunityId: current._id,
      from,
      to,
      at,
      by: new Types.ObjectId(actor.id),
      reason: input.reason ?? null,
    });
    await this.audit(
      actor,
      'opportunity.stage_changed',
      current._id,
      { stage: from },
      { stage: to, ...(input.reason ? { reason: input.reason } : {}) },
      requestId,
    );
    await this.deps.events?.publish(
      'opportunity.stage_changed',
      { customerId: String(current.customerId), opportunityId: String(current._id), from, to },
      { id: `opportunity.stage_changed:${String(entry._id)}`, occurredAt: at },
    );
  }

  /** The next quote version; the latest quote's amount becomes the expected amount. */
  async addQuote(actor: Actor, id: string, input: CreateQuoteInput, requestId?: string): Promise<Quote> {
    const opp = await this.getForActor(actor, id, 'change');
    if (!isOpenOpportunityStage(opp.stage))
      throw new ConflictError('CONFLICT', `商机已${label(opp.stage)}，不能再报价`);
    let quote: QuoteDoc | undefined;
    for (let attempt = 1; !quote; attempt += 1) {
      const last = await this.deps.opportunityQuotes
        .findOne({ opportunityId: opp._id }, { version: 1 })
        .sort({ version: -1 })
        .lean<Pick<QuoteDoc, 'version'>>();
      try {
        const created = await this.deps.opportunityQuotes.create({
          opportunityId: opp._id,
          version: (last?.version ?? 0) + 1,
          amount: input.amount,
          note: input.note,
          by: new Types.ObjectId(actor.id),
        });
        quote = created.toObject();
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
      }
    }
    await this.deps.lock.withLock(lockKey(id), 10_000, async () => {
      const latest = await this.deps.opportunityQuotes
        .findOne({ opportunityId: opp._id })
        .sort({ version: -1 })
        .lean<QuoteDoc>();
      if (latest)
        await this.deps.opportunities.updateOne(
          { _id: opp._id },
          { $set: { expectedAmount: latest.amount, latestQuoteVersion: latest.version } },
        );
    });
    await this.audit(
      actor,
      'opportunity.quoted',
      opp._id,
      { expectedAmount: opp.expectedAmount },
      { version: quote.version, amount: quote.amount },
      requestId,
    );
    return toQuote(quote);
  }

  async funnel(actor: Actor, query: FunnelQuery): Promise<Funnel> {
    const filter: MongoFilter = {};
    if (query.from || query.to) {
      const createdAt: Record<string, Date> = {};
      if (query.from) createdAt.$gte = new Date(query.from);
      if (query.to) createdAt.$lt = new Date(query.to);
      filter.createdAt = createdAt;
    }
    if (query.ownerId) filter.ownerId = new Types.ObjectId(query.ownerId);
    const docs = await this.deps.opportunities
      .find(scopedFilter(await this.scope(actor), filter), { customerId: 1, stage: 1, expectedAmount: 1 })
      .limit(FUNNEL_LIMIT + 1)
      .lean<Array<Pick<OpportunityDoc, '_id' | 'customerId' | 'stage' | 'expectedAmount'>>>();
    const truncated = docs.length > FUNNEL_LIMIT;
    const opps = docs.slice(0, FUNNEL_LIMIT);
    const ids = opps.map((o) => o._id);
    const history = ids.length
      ? await this.deps.opportunityStageHistory
          .find({ opportunityId: { $in: ids } }, { opportunityId: 1, from: 1, to: 1, at: 1 })
          .lean<StageHistoryDoc[]>()
      : [];
    const customerIds = [
      ...new Set(opps.filter((o) => o.stage === 'signed').map((o) => String(o.customerId))),
    ];
    const customers = customerIds.length
      ? await this.deps.customers
          .find({ _id: { $in: customerIds.map((c) => new Types.ObjectId(c)) } }, { source: 1 })
          .lean<Array<Pick<CustomerDoc, '_id' | 'source'>>>()
      : [];
    return computeFunnel(
      opps,
      history,
      new Map(customers.map((c) => [String(c._id), c.source ?? 'other'])),
      truncated,
    );
  }

  /** The opportunity if the actor may read (or change) it; 404 exactly like a missing one otherwise. */
  private async getForActor(
    actor: Actor,
    id: string,
    action: 'read' | 'change' = 'read',
  ): Promise<OpportunityDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
    const doc = await this.deps.opportunities.findById(id).lean<OpportunityDoc>();
    if (!doc) throw new NotFoundError();
    const customer = await this.deps.customers
      .findById(doc.customerId, { ownerId: 1 })
      .lean<Pick<CustomerDoc, 'ownerId'>>();
    const customerOwner = customer?.ownerId ? String(customer.ownerId) : null;
    if (!canRead(actor, doc, customerOwner)) throw new NotFoundError();
    if (action === 'change' && !(actor.role === 'admin' || actor.role === 'sales'))
      throw new ForbiddenError();
    return doc;
  }

  /** A list filter of the opportunities the actor may read. */
  private async scope(actor: Actor): Promise<Scope> {
    switch (actor.role) {
      case 'admin':
      case 'finance':
      case 'service':
        return EVERYTHING;
      case 'sales': {
        const own = await this.deps.customers
          .find({ ownerId: new Types.ObjectId(actor.id) }, { _id: 1 })
          .lean<Array<{ _id: Types.ObjectId }>>();
        return grantScope({
          $or: [{ ownerId: new Types.ObjectId(actor.id) }, { customerId: { $in: own.map((c) => c._id) } }],
        });
      }
      default:
        return NOTHING;
    }
  }

  private async reload(id: Types.ObjectId): Promise<Opportunity> {
    const doc = await this.deps.opportunities.findById(id).lean<OpportunityDoc>();
    if (!doc) throw new NotFoundError();
    return (await this.present([doc]))[0]!;
  }

  private async present(docs: OpportunityDoc[]): Promise<Opportunity[]> {
    const ids = [...new Set(docs.map((d) => String(d.customerId)))];
    const customers = ids.length
      ? await this.deps.customers
          .find({ _id: { $in: ids.map((i) => new Types.ObjectId(i)) } }, { name: 1 })
          .lean<Array<Pick<CustomerDoc, '_id' | 'name'>>>()
      : [];
    const names = new Map(customers.map((c) => [String(c._id), c.name]));
    return docs.map((d) => ({
      id: String(d._id),
      customerId: String(d.customerId),
      customerName: names.get(String(d.customerId)) ?? null,
      ownerId: d.ownerId ? String(d.ownerId) : null,
      name: d.name,
      stage: d.stage,
      lostReason: d.lostReason ?? null,
      expectedAmount: d.expectedAmount ?? 0,
      expectedCloseDate: d.expectedCloseDate ?? null,
      latestQuoteVersion: d.latestQuoteVersion ?? 0,
      notes: d.notes ?? '',
      stageEnteredAt: (d.stageEnteredAt ?? d.createdAt).toISOString(),
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    }));
  }

  private async audit(
    actor: Actor,
    action: string,
    id: Types.ObjectId,
    before: unknown,
    after: unknown,
    requestId?: string,
  ): Promise<void> {
    await this.deps.audit.record({
      actor,
      action,
      resource: OPPORTUNITY,
      resourceId: id,
      before,
      after,
      requestId,
    });
  }
}

function canRead(actor: Actor, doc: OpportunityDoc, customerOwner: string | null): boolean {
  switch (actor.role) {
    case 'admin':
    case 'finance':
    case 'service':
      return true;
    case 'sales':
      return (doc.ownerId !== null && String(doc.ownerId) === actor.id) || customerOwner === actor.id;
    default:
      return false;
  }
}

function toQuote(q: QuoteDoc): Quote {
  return {
    id: String(q._id),
    opportunityId: String(q.opportunityId),
    version: q.version,
    amount: q.amount,
    note: q.note ?? '',
    by: q.by ? String(q.by) : null,
    createdAt: q.createdAt.toISOString(),
  };
}
