import { Types } from 'mongoose';
import type { ChurnCustomer, ChurnListQuery, ChurnModel, ChurnPage, CustomerChurn } from '@gantry/shared';
import { CHURN_FACTOR_LABELS, type ChurnFactor } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, grantScope } from '../../core/policy';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerService } from '../crm/customer.service';
import { loadHistories, type ChurnSources } from './churn.data';
import { featuresAt, labelOf, toRow } from './churn.features';
import { fitChurn, scoreChurn, type FittedChurn } from './churn.fit';
import type { ChurnFitDoc, ChurnFitModel, ChurnScoreDoc, ChurnScoreModel } from './churn.model';
import type { InsightsConfig } from './insights.config';
import { visibleOwnerIds } from './insights.scope';
import { isoWeekKey } from './insights.time';

export interface ChurnDeps extends ChurnSources {
  churnFits: ChurnFitModel;
  churnScores: ChurnScoreModel;
  staffUsers: StaffUserModel;
  customerService: Pick<CustomerService, 'get'>;
  events: EventBus;
  logger: Logger;
  config: InsightsConfig['churn'];
}

const definitionOf = (c: InsightsConfig['churn']) =>
  `逻辑回归（ml-logistic-regression，标准化因子 + 截距）。标签：客户最近一个项目竣工后 ${c.labelMonths} 个月内未再签合同 = 流失；` +
  `竣工不足 ${c.labelMonths} 个月的客户不参与拟合。因子按竣工时点计算（训练）或按当前时点计算（评分）。` +
  `贡献 = 系数 × 标准化值；概率 ≥ ${c.threshold} 时提醒客户负责人。少于 ${c.minLabelled} 个已标注客户或只有一类时不给出概率。`;

/** The churn model: refitted weekly on the firm's own history; per-customer probabilities with reasons. */
export class ChurnService {
  constructor(private readonly deps: ChurnDeps) {}

  async refit(
    now = new Date(),
  ): Promise<{ status: string; labelled: number; scored: number; flagged: number }> {
    const { config } = this.deps;
    const histories = await loadHistories(this.deps);
    const training = histories
      .map((h) => ({ h, label: labelOf(h, now, config.labelMonths) }))
      .filter((x): x is typeof x & { label: NonNullable<typeof x.label> } => x.label !== null)
      .sort((a, b) => b.label.end.getTime() - a.label.end.getTime())
      .slice(0, config.maxTraining)
      .map(({ h, label }) => ({ f: featuresAt(h, label.end), churned: label.churned }));
    const churned = training.filter((t) => t.churned === 1).length;
    const base = {
      fittedAt: now,
      definition: definitionOf(config),
      labelled: training.length,
      churned,
      threshold: config.threshold,
    };
    const oneClass = churned === 0 || churned === training.length;
    if (training.length < config.minLabelled || oneClass) {
      const reason =
        training.length < config.minLabelled
          ? `已标注客户 ${training.length} 个，少于 ${config.minLabelled} 个，数据不足以估计流失概率`
          : `已标注客户全部${churned === 0 ? '回头' : '流失'}，只有一类，无法拟合`;
      await this.deps.churnFits.create({
        ...base,
        status: 'insufficient_data',
        reason,
        needed: config.minLabelled,
        have: training.length,
      });
      await this.deps.churnScores.deleteMany({});
      return { status: 'insufficient_data', labelled: training.length, scored: 0, flagged: 0 };
    }
    const known = training.filter((t) => t.f.avgRatingKnown).map((t) => t.f.avgRating);
    const ratingFill = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
    const row = (f: ReturnType<typeof featuresAt>) =>
      toRow({ ...f, avgRating: f.avgRatingKnown ? f.avgRating : ratingFill });
    const model = fitChurn(
      training.map((t) => row(t.f)),
      training.map((t) => t.churned),
    );
    const fit = await this.deps.churnFits.create({
      ...base,
      status: 'ready',
      reason: null,
      needed: config.minLabelled,
      have: training.length,
      intercept: model.intercept,
      coefficients: model.coefficients,
    });
    const flagged = await this.storeScores(
      histories.map((h) => ({ h, row: row(featuresAt(h, now)) })),
      model,
      fit._id,
      now,
    );
    return { status: 'ready', labelled: training.length, scored: histories.length, flagged };
  }

  private async storeScores(
    rows: Array<{ h: Awaited<ReturnType<typeof loadHistories>>[number]; row: number[] }>,
    model: FittedChurn,
    fitId: Types.ObjectId,
    now: Date,
  ): Promise<number> {
    let flagged = 0;
    const week = isoWeekKey(now);
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000).map(({ h, row }) => ({ h, s: scoreChurn(model, row) }));
      await this.deps.churnScores.bulkWrite(
        batch.map(({ h, s }) => ({
          updateOne: {
            filter: { customerId: new Types.ObjectId(h.customerId) },
            update: {
              $set: {
                customerName: h.name,
                ownerId: h.ownerId ? new Types.ObjectId(h.ownerId) : null,
                fitId,
                probability: s.probability,
                flagged: s.probability >= this.deps.config.threshold,
                factors: s.factors,
                topFactors: s.topFactors,
                scoredAt: now,
              },
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      for (const { h, s } of batch.filter((b) => b.s.probability >= this.deps.config.threshold)) {
        flagged += 1;
        await this.flag(h, s, week).catch((err) =>
          this.deps.logger.error({ err, customerId: h.customerId }, 'churn notice failed'),
        );
      }
    }
    return flagged;
  }

  /** One notice per customer per week, however often the model is refitted. */
  private async flag(
    h: { customerId: string; name: string; ownerId: string | null },
    s: ReturnType<typeof scoreChurn>,
    week: string,
  ) {
    if (!h.ownerId) return;
    await this.deps.events.publish(
      'customer.churn_risk',
      {
        customerId: h.customerId,
        ownerId: h.ownerId,
        customerName: h.name,
        probability: `${Math.round(s.probability * 100)}%`,
        factors: s.topFactors.map((f) => f.label).join('、'),
      },
      { id: `customer.churn_risk:${h.customerId}:${week}` },
    );
  }

  async model(): Promise<ChurnModel> {
    const fit = await this.deps.churnFits.findOne({}).sort({ fittedAt: -1 }).lean<ChurnFitDoc>();
    if (!fit)
      return {
        status: 'insufficient_data',
        fittedAt: null,
        definition: definitionOf(this.deps.config),
        reason: '模型尚未拟合',
        needed: this.deps.config.minLabelled,
        have: 0,
      };
    if (fit.status === 'insufficient_data')
      return {
        status: 'insufficient_data',
        fittedAt: fit.fittedAt.toISOString(),
        definition: fit.definition,
        reason: fit.reason ?? '',
        needed: fit.needed,
        have: fit.have,
      };
    return {
      status: 'ready',
      fittedAt: fit.fittedAt.toISOString(),
      definition: fit.definition,
      labelled: fit.labelled,
      churned: fit.churned,
      threshold: fit.threshold,
      intercept: fit.intercept,
      coefficients: fit.coefficients.map((c) => ({
        ...c,
        factor: c.factor as ChurnFactor,
        label: CHURN_FACTOR_LABELS[c.factor as ChurnFactor],
      })),
    };
  }

  async list(actor: Actor, query: ChurnListQuery): Promise<ChurnPage> {
    const owners = await visibleOwnerIds(actor, this.deps.staffUsers);
    const model = await this.model();
    if (model.status !== 'ready') return { model, items: [], nextCursor: null };
    const scope = owners
      ? grantScope({ ownerId: { $in: owners.map((o) => new Types.ObjectId(o)) } })
      : EVERYTHING;
    const narrow = query.flagged ? { flagged: query.flagged === 'true' } : undefined;
    const list = { scope, narrow };
    const page = await paginateById(this.deps.churnScores, list, query, (d) => toView(d as ChurnScoreDoc));
    return { model, ...page };
  }

  /** 404 when the caller may not read the customer (the CRM's own rule). */
  async forCustomer(actor: Actor, customerId: string): Promise<CustomerChurn> {
    await this.deps.customerService.get(actor, customerId);
    const model = await this.model();
    if (model.status !== 'ready') return { model, customer: null };
    const doc = await this.deps.churnScores
      .findOne({ customerId: new Types.ObjectId(customerId) })
      .lean<ChurnScoreDoc>();
    return { model, customer: doc ? toView(doc) : null };
  }
}

function toView(d: ChurnScoreDoc): ChurnCustomer {
  const f = (x: ChurnScoreDoc['factors'][number]) => ({ ...x, factor: x.factor as ChurnFactor });
  return {
    customerId: String(d.customerId),
    customerName: d.customerName,
    ownerId: d.ownerId ? String(d.ownerId) : null,
    probability: d.probability,
    flagged: d.flagged,
    topFactors: d.topFactors.map(f),
    factors: d.factors.map(f),
    scoredAt: d.scoredAt.toISOString(),
  };
}
