import { Types, type AnyBulkWriteOperation } from 'mongoose';
import {
  shanghaiStartOfDay,
  calendarDateOf,
  type DiscrepancyQuery,
  type Reconciliation,
  type ReconciliationDetail,
  type ReconciliationListQuery,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { AppError, ConflictError, NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { EVERYTHING, scopeUnder } from '../../core/policy';
import { LockBusyError, type RedisLock } from '../../core/redis-lock';
import type { LedgerEntryModel } from '../payments/payment-ledger';
import type { PaymentModel } from '../payments/payment.model';
import type { RefundModel } from '../payments/refund.model';
import { BillMatcher, type Finding } from './reconciliation.matcher';
import type {
  DiscrepancyDoc,
  DiscrepancyModel,
  ReconciliationDoc,
  ReconciliationModel,
} from './reconciliation.model';
import { discrepancyView, reconciliationView } from './reconciliation.view';
import { parseTradeBill, TradeBillFormatError } from './trade-bill.parser';
import { downloadVerified, type TradeBillSource } from './trade-bill.source';

export interface ReconciliationDeps {
  reconciliations: ReconciliationModel;
  discrepancies: DiscrepancyModel;
  payments: PaymentModel;
  refunds: RefundModel;
  /** Read only: which payments and refunds moved money that day. */
  paymentLedger: LedgerEntryModel;
  source: TradeBillSource;
  lock: RedisLock;
  audit: AuditLog;
  logger: Logger;
}

const DAY_MS = 86_400_000;
/** WeChat publishes the previous day's bill at 10:00 Asia/Shanghai. */
const BILL_READY_HOUR = 10;
const WRITE_BATCH = 200;
const LOCK_TTL_MS = 15 * 60_000;

/** Daily reconciliation of the WeChat Pay trade bill against our payments and refunds. */
export class ReconciliationService {
  constructor(private readonly d: ReconciliationDeps) {}

  /** The job: yesterday's bill (Asia/Shanghai), once it is published. */
  async runPrevious(now = new Date()): Promise<Reconciliation> {
    return this.run(calendarDateOf(new Date(now.getTime() - DAY_MS)), null, now);
  }

  /**
   * Reconciles one day. Safe to re-run: the day has one report, updated in place; discrepancies
   * are keyed per record, so a resolved one keeps its note, and ones no longer found go away.
   */
  async run(date: string, actor: Actor | null, now = new Date()): Promise<Reconciliation> {
    assertBillReady(date, now);
    try {
      return await this.d.lock.withLock(
        `reconciliation:${date}`,
        LOCK_TTL_MS,
        () => this.runLocked(date, actor),
        2000,
      );
    } catch (err) {
      if (err instanceof LockBusyError) throw new ConflictError('CONFLICT', '该日对账正在进行中，请稍后刷新');
      throw err;
    }
  }

  private async runLocked(date: string, actor: Actor | null): Promise<Reconciliation> {
    const report = await this.start(date);
    const from = shanghaiStartOfDay(date);
    let bill;
    try {
      bill = await downloadVerified(this.d.source, date);
    } catch (err) {
      await this.fail(report, err);
      throw err;
    }
    const writer = new FindingWriter(this.d.discrepancies, report);
    const matcher = new BillMatcher(this.d, (f) => writer.add(f));
    const timings: Record<string, number> = {};
    const timed = async (name: string, fn: () => Promise<unknown>) => {
      const t0 = Date.now();
      await fn();
      timings[name] = Date.now() - t0;
    };
    try {
      await timed('loadDayMs', () => matcher.loadDay(from, new Date(from.getTime() + DAY_MS)));
      await timed('streamMs', async () => {
        if (bill)
          for await (const line of parseTradeBill(bill.lines(), () => undefined)) await matcher.line(line);
      });
      await timed('finishMs', async () => {
        await matcher.finish();
        await writer.flush();
      });
    } catch (err) {
      const failure =
        err instanceof TradeBillFormatError ? new AppError('RECONCILIATION_BILL_INVALID', err.message) : err;
      await this.fail(report, failure);
      throw failure;
    } finally {
      await bill?.dispose();
    }
    // Unresolved findings of earlier runs that this run no longer sees are settled now.
    await timed('cleanupMs', () =>
      this.d.discrepancies.deleteMany({ reportId: report._id, runId: { $ne: report.runId }, resolved: null }),
    );
    this.d.logger.info({ date, counts: matcher.counts, ...timings }, 'reconciliation finished');
    const done = await this.d.reconciliations
      .findByIdAndUpdate(
        report._id,
        {
          $set: {
            status: 'completed',
            emptyBill: !bill,
            hashValue: bill?.hashValue ?? null,
            counts: matcher.counts,
            billPaid: matcher.billPaid,
            billRefunded: matcher.billRefunded,
            finishedAt: new Date(),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<ReconciliationDoc>();
    await this.d.audit.record({
      actor,
      action: 'reconciliation.run',
      resource: 'reconciliation',
      resourceId: report._id,
      after: { date, counts: matcher.counts, runs: report.runs },
    });
    return this.view(done!);
  }

  /** The day's report, created or reset to `running` with a new run id (we hold the day's lock). */
  private async start(date: string): Promise<ReconciliationDoc> {
    const existing = await this.d.reconciliations.findOne({ date }, { runs: 1 }).lean();
    const set = {
      status: 'running',
      runId: new Types.ObjectId(),
      error: null,
      startedAt: new Date(),
      finishedAt: null,
    };
    const doc = await retryTransient(() =>
      this.d.reconciliations
        .findOneAndUpdate(
          { date },
          { $set: { ...set, runs: (existing?.runs ?? 0) + 1 } },
          { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
        )
        .lean<ReconciliationDoc>(),
    );
    return doc!;
  }

  private async fail(report: ReconciliationDoc, err: unknown): Promise<void> {
    const message = err instanceof AppError ? err.message : '对账失败';
    this.d.logger.warn({ err, date: report.date }, 'reconciliation failed');
    await this.d.reconciliations.updateOne(
      { _id: report._id },
      { $set: { status: 'failed', error: message, finishedAt: new Date() } },
    );
  }

  async list(query: ReconciliationListQuery) {
    // Finance and admins only (see the routes): reconciliation reports are the firm's, not a customer's.
    const page = await paginateById(this.d.reconciliations, { scope: EVERYTHING }, query, (doc) => doc);
    const items = await Promise.all(page.items.map((doc) => this.view(doc)));
    return { items, nextCursor: page.nextCursor };
  }

  async get(id: string, query: DiscrepancyQuery): Promise<ReconciliationDetail> {
    const report = await this.d.reconciliations.findById(id).lean<ReconciliationDoc>();
    if (!report) throw new NotFoundError('对账记录不存在');
    const narrow: Record<string, unknown> = {};
    if (query.kind) narrow.kind = query.kind;
    if (query.resolved === 'true') narrow.resolved = { $ne: null };
    if (query.resolved === 'false') narrow.resolved = null;
    const list = { scope: scopeUnder('reportId', report._id), narrow };
    const page = await paginateById(this.d.discrepancies, list, query, discrepancyView);
    return { ...(await this.view(report)), discrepancies: page.items, nextCursor: page.nextCursor };
  }

  /** Finance closes one discrepancy with a note (once; audited). */
  async resolve(actor: Actor, reportId: string, discrepancyId: string, note: string, requestId?: string) {
    const before = await this.d.discrepancies
      .findOne({ _id: discrepancyId, reportId })
      .lean<DiscrepancyDoc>();
    if (!before) throw new NotFoundError('差异记录不存在');
    const resolved = { note, by: new Types.ObjectId(actor.id), byName: actor.name, at: new Date() };
    const after = await this.d.discrepancies
      .findOneAndUpdate(
        { _id: before._id, resolved: null },
        { $set: { resolved } },
        { returnDocument: 'after' },
      )
      .lean<DiscrepancyDoc>();
    if (!after) throw new AppError('DISCREPANCY_ALREADY_RESOLVED');
    await this.d.audit.record({
      actor,
      action: 'reconciliation.discrepancy_resolved',
      resource: 'reconciliation_discrepancy',
      resourceId: before._id,
      before: { kind: before.kind, key: before.key, resolved: null },
      after: { resolved: { note, by: actor.id, byName: actor.name } },
      requestId,
    });
    return discrepancyView(after);
  }

  private async view(doc: ReconciliationDoc): Promise<Reconciliation> {
    const unresolved = await this.d.discrepancies.countDocuments({ reportId: doc._id, resolved: null });
    return reconciliationView(doc, unresolved);
  }
}

function assertBillReady(date: string, now: Date): void {
  const publishedAt = Date.parse(`${date}T00:00:00+08:00`) + DAY_MS + BILL_READY_HOUR * 3_600_000;
  if (Number.isNaN(publishedAt) || now.getTime() < publishedAt)
    throw new AppError('RECONCILIATION_BILL_NOT_READY');
}

/**
 * Writes findings in batches, one per record per report. The report's existing findings are read
 * once (a handful): new ones are inserted in bulk and known ones updated by `_id`, keeping an
 * earlier resolution — rather than one upsert per finding, each a collection scan on FerretDB.
 */
class FindingWriter {
  private buffer: Array<Finding & { key: string }> = [];
  private known: Map<string, Types.ObjectId> | null = null;

  constructor(
    private readonly model: DiscrepancyModel,
    private readonly report: ReconciliationDoc,
  ) {}

  async add(f: Finding): Promise<void> {
    const key = f.subject === 'refund' ? `refund:${f.outRefundNo}` : `payment:${f.outTradeNo}`;
    this.buffer.push({ ...f, key });
    if (this.buffer.length >= WRITE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    this.known ??= new Map(
      (await this.model.find({ reportId: this.report._id }, { key: 1 }).lean()).map((d) => [d.key, d._id]),
    );
    const batch = this.buffer;
    this.buffer = [];
    const runId = this.report.runId;
    const ops: AnyBulkWriteOperation<DiscrepancyDoc>[] = batch.map((f) => {
      const id = this.known!.get(f.key);
      if (id) return { updateOne: { filter: { _id: id }, update: { $set: { ...f, runId } } } };
      const _id = new Types.ObjectId();
      this.known!.set(f.key, _id);
      return { insertOne: { document: { ...f, _id, reportId: this.report._id, runId, resolved: null } } };
    });
    await retryTransient(() => this.model.bulkWrite(ops, { ordered: false }));
  }
}
