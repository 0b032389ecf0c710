import { Types } from 'mongoose';
import {
  CUSTOMER_TIER_LABELS,
  fenToYuan,
  type HealthCustomer,
  type HealthReport,
  type HealthReportQuery,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import { loadHealthFacts, type HealthFacts, type HealthSources } from './health.data';
import type { HealthReportDoc, HealthReportModel } from './health.model';
import type { InsightsConfig } from './insights.config';
import { isoWeekKey } from './insights.time';

export interface HealthDeps extends HealthSources {
  healthReports: HealthReportModel;
  events: EventBus;
  logger: Logger;
  config: InsightsConfig['health'];
}

const DAY_MS = 86_400_000;
/** WeCom markdown messages are capped at 4096 bytes. */
const WECOM_MAX_BYTES = 3800;

/** Weekly customer-health reports per owner: stored, then delivered through the outbox (WeCom + inbox). */
export class HealthReportService {
  constructor(private readonly deps: HealthDeps) {}

  async buildWeek(now = new Date()): Promise<{ owners: number; customers: number }> {
    const cfg = this.deps.config;
    const week = isoWeekKey(now);
    const facts = await loadHealthFacts(this.deps, now, cfg);
    const owners = await this.deps.staffUsers.find({ active: true }, { name: 1 }).lean();
    const byOwner = new Map<string, HealthFacts['customers']>();
    for (const c of facts.customers) byOwner.set(c.ownerId, [...(byOwner.get(c.ownerId) ?? []), c]);
    let count = 0;
    for (const owner of owners) {
      const customers = byOwner.get(String(owner._id));
      if (!customers?.length) continue;
      try {
        await this.buildOne({ id: String(owner._id), name: owner.name }, customers, facts, week, now);
        count += customers.length;
      } catch (err) {
        this.deps.logger.error({ err, ownerId: String(owner._id) }, 'health report failed');
      }
    }
    return { owners: byOwner.size, customers: count };
  }

  private async buildOne(
    owner: { id: string; name: string },
    customers: HealthFacts['customers'],
    facts: HealthFacts,
    week: string,
    now: Date,
  ): Promise<void> {
    const cfg = this.deps.config;
    const previous = await this.deps.healthReports
      .findOne({ ownerId: new Types.ObjectId(owner.id), week: { $lt: week } })
      .sort({ week: -1 })
      .lean<HealthReportDoc>();
    const before = new Map((previous?.customers ?? []).map((c) => [c.customerId, c]));
    const rows: HealthCustomer[] = customers.map((c) => {
      const prev = before.get(c.id) ?? null;
      const audited = facts.tierBefore.get(c.id);
      const last = facts.lastContact.get(c.id) ?? null;
      const quiet = !last || now.getTime() - last.getTime() > cfg.quietDays * DAY_MS;
      const row = {
        customerId: c.id,
        name: c.name,
        score: c.score,
        previousScore: prev ? prev.score : (audited?.score ?? null),
        tier: c.tier,
        previousTier: prev ? prev.tier : (audited?.tier ?? null),
        overdueAmount: facts.overdue.get(c.id)?.amount ?? 0,
        overdueInvoices: facts.overdue.get(c.id)?.count ?? 0,
        lowRatings: facts.lowRatings.get(c.id) ?? [],
        openComplaints: facts.openComplaints.get(c.id) ?? 0,
        lastContactAt: last ? last.toISOString() : null,
        quiet,
      };
      const tierChanged = row.previousTier !== null && row.previousTier !== row.tier;
      const attention =
        tierChanged || row.overdueAmount > 0 || row.lowRatings.length > 0 || row.openComplaints > 0 || quiet;
      return { ...row, attention };
    });
    rows.sort(
      (a, b) =>
        Number(b.attention) - Number(a.attention) ||
        b.overdueAmount - a.overdueAmount ||
        a.name.localeCompare(b.name, 'zh-CN'),
    );
    const summary = {
      customers: rows.length,
      tierChanges: rows.filter((r) => r.previousTier !== null && r.previousTier !== r.tier).length,
      overdueAmount: rows.reduce((s, r) => s + r.overdueAmount, 0),
      lowRatings: rows.reduce((s, r) => s + r.lowRatings.length, 0),
      openComplaints: rows.reduce((s, r) => s + r.openComplaints, 0),
      quiet: rows.filter((r) => r.quiet).length,
    };
    const doc = await this.deps.healthReports.findOneAndUpdate(
      { ownerId: new Types.ObjectId(owner.id), week },
      {
        $set: {
          ownerName: owner.name,
          generatedAt: now,
          quietDays: cfg.quietDays,
          lowRatingMax: cfg.lowRatingMax,
          summary,
          customers: rows,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
    await this.deps.events.publish(
      'insights.health_report',
      {
        ownerId: owner.id,
        ownerName: owner.name,
        week,
        quietDays: cfg.quietDays,
        ...summary,
        reportId: String(doc!._id),
        markdown: markdownOf(owner.name, week, summary, rows, cfg.quietDays),
      },
      { id: `insights.health_report:${owner.id}:${week}` },
    );
  }

  /** The latest report of `ownerId` (default: the caller); only admins may read another owner's. */
  async latest(actor: Actor, query: HealthReportQuery): Promise<HealthReport> {
    if (actor.kind !== 'staff') throw new ForbiddenError();
    const ownerId = query.ownerId ?? actor.id;
    if (ownerId !== actor.id && actor.role !== 'admin') throw new ForbiddenError();
    const doc = await this.deps.healthReports
      .findOne({ ownerId: new Types.ObjectId(ownerId) })
      .sort({ week: -1 })
      .lean<HealthReportDoc>();
    if (!doc) throw new NotFoundError('还没有客户健康周报');
    return {
      id: String(doc._id),
      ownerId: String(doc.ownerId),
      ownerName: doc.ownerName,
      week: doc.week,
      generatedAt: doc.generatedAt.toISOString(),
      quietDays: doc.quietDays,
      lowRatingMax: doc.lowRatingMax,
      summary: doc.summary,
      customers: doc.customers,
    };
  }
}

function markdownOf(
  owner: string,
  week: string,
  s: HealthReport['summary'],
  rows: HealthCustomer[],
  quietDays: number,
): string {
  const head = [
    `### 客户健康周报（${week} 周）`,
    `> ${owner}：${s.customers} 个客户，等级变化 <font color="warning">${s.tierChanges}</font>，逾期 <font color="warning">¥${fenToYuan(s.overdueAmount)}</font>，低分评价 ${s.lowRatings}，未关闭投诉 ${s.openComplaints}，${quietDays} 天未联系 ${s.quiet}`,
  ];
  const lines: string[] = [];
  for (const r of rows.filter((x) => x.attention)) {
    const notes: string[] = [];
    if (r.previousTier && r.previousTier !== r.tier)
      notes.push(`等级 ${CUSTOMER_TIER_LABELS[r.previousTier]}→${CUSTOMER_TIER_LABELS[r.tier]}`);
    if (r.overdueAmount > 0) notes.push(`逾期 ¥${fenToYuan(r.overdueAmount)}`);
    if (r.lowRatings.length) notes.push(`低分 ${r.lowRatings.map((x) => `${x.overall}星`).join('、')}`);
    if (r.openComplaints) notes.push(`投诉 ${r.openComplaints} 件`);
    if (r.quiet) notes.push(r.lastContactAt ? `${quietDays} 天未联系` : '从未联系');
    lines.push(`- **${r.name}**：${notes.join('；')}`);
  }
  let text = head.join('\n');
  for (const [i, line] of lines.entries()) {
    const next = `${text}\n${line}`;
    if (Buffer.byteLength(next) > WECOM_MAX_BYTES)
      return `${text}\n…另有 ${lines.length - i} 个客户，详见系统`;
    text = next;
  }
  return text;
}
