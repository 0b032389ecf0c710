import { Types } from 'mongoose';
import {
  CUSTOMER_TIER_LABELS,
  DEFAULT_SCORING_MODEL,
  NEGATIVE_SCORING_FACTORS,
  SCORING_FACTORS,
  SCORING_FACTOR_LABELS,
  type CustomerScore,
  type CustomerTier,
  type ScoringFactor,
  type ScoringModel,
  type ScoringModelInput,
} from '@gantry/shared';
import type { AuditLog } from '../../../core/audit';
import type { Actor } from '../../../core/auth/actor';
import { isDuplicateKeyError } from '../../../core/errors';
import type { EventBus } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { RedisLock } from '../../../core/redis-lock';
import type { CustomerDoc, CustomerModel } from '../customer.model';
import { CUSTOMER } from '../customer.policy';
import type { CustomerService } from '../customer.service';
import { FACTS, factOf, type FactName, type FactRegistry } from './customer-facts';
import type { ScoringModelDoc, ScoringModelModel } from './scoring-model.model';

export interface ScoringServiceDeps {
  scoringModels: ScoringModelModel;
  customers: CustomerModel;
  customerService: CustomerService;
  facts: FactRegistry;
  audit: AuditLog;
  events: EventBus;
  lock: RedisLock;
  logger: Logger;
}

export const SCORING_MODEL = 'scoring_model';
/** Customers scored per batch (one query per fact provider per batch). */
const BATCH = 200;
/** The same key the customer service locks a customer with, so a rescore never interleaves an edit. */
const customerLock = (id: string) => `lock:crm:customer:${id}`;

/** The fact each factor reads. */
const FACTOR_FACT: Record<ScoringFactor, FactName> = {
  annualContractValue: FACTS.annualContractValue,
  cooperationFrequency: FACTS.cooperationCount,
  paymentPunctuality: FACTS.paymentPunctuality,
  satisfaction: FACTS.avgSatisfaction,
  openComplaints: FACTS.openComplaints,
};

type Model = Pick<ScoringModel, 'version' | 'factors' | 'tierRules'>;
type Scored = Omit<CustomerScore, 'customerId' | 'storedScore' | 'storedTier' | 'scoreUpdatedAt'>;
type CustomerRow = Pick<CustomerDoc, '_id' | 'name' | 'ownerId' | 'tier' | 'score'>;

const round2 = (n: number) => Math.round(n * 100) / 100;
const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`;

/**
 * Customer scoring: the versioned model (admins edit it), a customer's score with its explanation,
 * and the recompute that stores score and tier on customers (nightly job, and on opportunity stage
 * changes). A tier change is audited; a drop to risk publishes `customer.tier_dropped`.
 */
export class ScoringService {
  constructor(private readonly deps: ScoringServiceDeps) {}

  /** Where modules register the facts they can answer (`registerFactProvider`). */
  get facts(): FactRegistry {
    return this.deps.facts;
  }

  /** The model in force: the latest saved version, or the defaults (version 0) before any save. */
  async currentModel(): Promise<ScoringModel> {
    const doc = await this.deps.scoringModels.findOne().sort({ version: -1 }).lean<ScoringModelDoc>();
    if (!doc)
      return { version: 0, ...structuredClone(DEFAULT_SCORING_MODEL), updatedBy: null, updatedAt: null };
    return {
      version: doc.version,
      factors: doc.factors,
      tierRules: doc.tierRules,
      updatedBy: doc.createdBy ? String(doc.createdBy) : null,
      updatedAt: doc.createdAt.toISOString(),
    };
  }

  /** Saves a new version (unique version number, retried when two saves race); audited. */
  async updateModel(actor: Actor, input: ScoringModelInput, requestId?: string): Promise<ScoringModel> {
    for (let attempt = 1; ; attempt += 1) {
      const before = await this.currentModel();
      try {
        const doc = await this.deps.scoringModels.create({
          version: before.version + 1,
          factors: input.factors,
          tierRules: input.tierRules,
          createdBy: new Types.ObjectId(actor.id),
        });
        await this.deps.audit.record({
          actor,
          action: 'scoring_model.updated',
          resource: SCORING_MODEL,
          resourceId: doc._id,
          before: { version: before.version, factors: before.factors, tierRules: before.tierRules },
          after: { version: doc.version, factors: input.factors, tierRules: input.tierRules },
          requestId,
        });
        return this.currentModel();
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
      }
    }
  }

  /** A customer's score computed now, with every factor's part and the tier rule that applied. */
  async explain(actor: Actor, customerId: string): Promise<CustomerScore> {
    const customer = await this.deps.customerService.getForActor(actor, customerId);
    const model = await this.currentModel();
    const facts = await this.deps.facts.read([String(customer._id)]);
    const scored = this.evaluate(model, facts, String(customer._id));
    return {
      customerId: String(customer._id),
      ...scored,
      storedScore: customer.score ?? null,
      storedTier: customer.tier,
      scoreUpdatedAt: customer.scoreUpdatedAt ? customer.scoreUpdatedAt.toISOString() : null,
    };
  }

  /**
   * Scores the given customers (all, in batches by _id, when none are given) and stores score,
   * tier and scoreUpdatedAt. Answers counts for the job run record.
   */
  async recompute(customerIds?: string[]): Promise<{ scored: number; tierChanged: number }> {
    const model = await this.currentModel();
    let scored = 0;
    let tierChanged = 0;
    const runBatch = async (rows: CustomerRow[]) => {
      const ids = rows.map((r) => String(r._id));
      const facts = await this.deps.facts.read(ids);
      for (const row of rows) {
        if (await this.store(row, this.evaluate(model, facts, String(row._id)))) tierChanged += 1;
        scored += 1;
      }
    };
    const projection = { name: 1, ownerId: 1, tier: 1, score: 1 };
    if (customerIds) {
      const valid = [...new Set(customerIds)].filter((id) => Types.ObjectId.isValid(id));
      for (let i = 0; i < valid.length; i += BATCH) {
        const ids = valid.slice(i, i + BATCH).map((id) => new Types.ObjectId(id));
        await runBatch(
          await this.deps.customers.find({ _id: { $in: ids } }, projection).lean<CustomerRow[]>(),
        );
      }
    } else {
      let after: Types.ObjectId | null = null;
      for (;;) {
        const rows: CustomerRow[] = await this.deps.customers
          .find(after ? { _id: { $gt: after } } : {}, projection)
          .sort({ _id: 1 })
          .limit(BATCH)
          .lean<CustomerRow[]>();
        if (rows.length === 0) break;
        await runBatch(rows);
        after = rows[rows.length - 1]!._id;
        if (rows.length < BATCH) break;
      }
    }
    return { scored, tierChanged };
  }

  /** Pure scoring of one customer from the batch's facts. */
  evaluate(model: Model, facts: Map<string, Map<string, number>>, customerId: string): Scored {
    const fact = (name: FactName) => factOf(facts, name, customerId);
    const factors = SCORING_FACTORS.map((factor) => {
      const { weight, cap } = model.factors[factor];
      const raw = fact(FACTOR_FACT[factor]);
      const ratio = Math.min(Math.max(raw / cap, 0), 1);
      const normalised = round2(NEGATIVE_SCORING_FACTORS.includes(factor) ? 1 - ratio : ratio);
      return {
        factor,
        label: SCORING_FACTOR_LABELS[factor],
        raw,
        normalised,
        weight,
        contribution: round2(weight * normalised),
        hasProvider: this.deps.facts.has(FACTOR_FACT[factor]),
      };
    });
    const score = round2(factors.reduce((s, f) => s + f.contribution, 0));
    const rules = model.tierRules;
    const late = fact(FACTS.latePayments12m);
    const annual = fact(FACTS.annualContractValue);
    const unsigned = fact(FACTS.unsignedOpportunities);
    let tier: CustomerTier;
    let tierRule: Scored['tierRule'];
    let tierReason: string;
    // Risk first: a customer that pays late is flagged even when it is a large one.
    if (late >= rules.riskMinLatePayments) {
      [tier, tierRule] = ['risk', 'risk'];
      tierReason = `近 12 个月逾期付款 ${late} 次，达到风险客户规则（≥ ${rules.riskMinLatePayments} 次）`;
    } else if (annual > rules.highValueMinAnnualValue) {
      [tier, tierRule] = ['high_value', 'high_value'];
      tierReason = `近 12 个月合同额 ${yuan(annual)}，超过高价值客户规则（> ${yuan(rules.highValueMinAnnualValue)}）`;
    } else if (rules.potentialWhenUnsigned && unsigned > 0) {
      [tier, tierRule] = ['potential', 'potential'];
      tierReason = `有 ${unsigned} 个商机但尚未签约，符合潜力客户规则`;
    } else {
      [tier, tierRule] = ['regular', 'regular'];
      tierReason = '未触发高价值、风险或潜力客户规则，为普通客户';
    }
    const factValues = Object.fromEntries([...facts.keys()].map((name) => [name, fact(name)]));
    return { modelVersion: model.version, score, tier, tierRule, tierReason, factors, facts: factValues };
  }

  /** Stores one result; true when the tier changed (audited; a drop to risk is published). */
  private async store(row: CustomerRow, result: Scored): Promise<boolean> {
    const id = String(row._id);
    return this.deps.lock.withLock(customerLock(id), 10_000, async () => {
      const current = await this.deps.customers
        .findById(row._id, { name: 1, ownerId: 1, tier: 1, score: 1 })
        .lean<CustomerRow>();
      if (!current) return false;
      const at = new Date();
      await this.deps.customers.updateOne(
        { _id: row._id },
        { $set: { score: result.score, tier: result.tier, scoreUpdatedAt: at } },
      );
      if (current.tier === result.tier) return false;
      await this.deps.audit.record({
        actor: null,
        action: 'customer.tier_changed',
        resource: CUSTOMER,
        resourceId: row._id,
        before: { tier: current.tier, score: current.score ?? null },
        after: { tier: result.tier, score: result.score, rule: result.tierRule, reason: result.tierReason },
      });
      if (result.tier === 'risk') {
        await this.deps.events
          .publish(
            'customer.tier_dropped',
            {
              customerId: id,
              ownerId: current.ownerId ? String(current.ownerId) : undefined,
              customerName: current.name,
              fromTier: CUSTOMER_TIER_LABELS[current.tier],
              reason: result.tierReason,
            },
            { id: `customer.tier_dropped:${id}:${at.toISOString()}` },
          )
          .catch((err: unknown) =>
            this.deps.logger.error({ err, customerId: id }, 'publishing customer.tier_dropped failed'),
          );
      }
      return true;
    });
  }
}
