import { Types } from 'mongoose';
import {
  WEATHER_LABELS,
  calendarDateOf,
  type CreateDailyLogInput,
  type DailyLog,
  type DailyLogListQuery,
  type Page,
  type UpdateDailyLogInput,
} from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  isDuplicateKeyError,
} from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { grantScope, type MongoFilter } from '../../core/policy';
import type { ProjectAccess } from '../projects/project.policy';
import type { TimelineService } from '../projects/timeline.service';
import type { DailyLogDoc, DailyLogModel } from './daily-log.model';
import { photoLookup, toObjectIds, type SitePhotoFiles } from './site-photos';

export interface DailyLogServiceDeps {
  dailyLogs: DailyLogModel;
  projectAccess: ProjectAccess;
  files: SitePhotoFiles;
  timeline: TimelineService;
  audit: AuditLog;
  /** "Now", injectable so the same-day edit rule can be tested without waiting for midnight. */
  now?: () => Date;
}

const timelineKey = (id: Types.ObjectId | string) => `daily_log:${String(id)}`;
const summaryOf = (workDone: string) => (workDone.length > 200 ? `${workDone.slice(0, 200)}…` : workDone);

/**
 * Site daily logs: one per engineer (or PM) per project per Beijing calendar day, written by people
 * on site, editable by their author on that day only. Customers read only the customer-visible ones;
 * every log is kept in the project's timeline under `daily_log:<id>`.
 */
export class DailyLogService {
  constructor(private readonly deps: DailyLogServiceDeps) {}

  private today(): string {
    return calendarDateOf(this.deps.now?.() ?? new Date());
  }

  async create(actor: Actor, projectId: string, input: CreateDailyLogInput, requestId?: string) {
    const project = await this.deps.projectAccess.get(actor, projectId);
    if (!this.deps.projectAccess.isOnSite(actor, project))
      throw new ForbiddenError('只有本项目的项目经理或工程师可以填写施工日志');
    const today = this.today();
    const date = input.date ?? today;
    if (date > today)
      throw new ValidationError([{ path: 'body.date', message: '不能填写未来日期的施工日志' }]);
    const key = { projectId: project._id, authorId: new Types.ObjectId(actor.id), date };
    await this.refuseSecond(key);
    const _id = new Types.ObjectId();
    await this.deps.files.attach(actor, input.photoIds, {
      projectId,
      customerVisible: input.customerVisible,
      record: { kind: 'daily_log', id: _id },
    });
    let doc: DailyLogDoc;
    try {
      const created = await retryTransient(() =>
        this.deps.dailyLogs.create({
          ...input,
          _id,
          ...key,
          authorName: actor.name,
          photoIds: toObjectIds(input.photoIds),
        }),
      );
      doc = created.toObject();
    } catch (err) {
      // Two creates raced past `refuseSecond`: the unique index decides.
      if (isDuplicateKeyError(err)) await this.refuseSecond(key);
      throw err;
    }
    await this.deps.audit.record({
      actor,
      action: 'daily_log.created',
      resource: 'daily_log',
      resourceId: doc._id,
      after: { date, customerVisible: doc.customerVisible },
      requestId,
    });
    await this.deps.timeline.record({
      key: timelineKey(doc._id),
      projectId: doc.projectId,
      kind: 'daily_log',
      refId: doc._id,
      occurredAt: doc.createdAt,
      customerVisible: doc.customerVisible,
      title: `${date} 施工日志`,
      summary: summaryOf(doc.workDone),
      photoIds: doc.photoIds,
      actor: { id: actor.id, name: actor.name },
    });
    return this.presentOne(actor, doc);
  }

  private async refuseSecond(key: { projectId: Types.ObjectId; authorId: Types.ObjectId; date: string }) {
    const existing = await this.deps.dailyLogs.findOne(key, { _id: 1 }).lean();
    if (existing)
      throw new ConflictError(
        'DUPLICATE',
        `您已填写过 ${key.date} 的施工日志，每人每天一份，请修改已有的日志`,
        { existingId: String(existing._id), date: key.date },
      );
  }

  async list(actor: Actor, projectId: string, query: DailyLogListQuery): Promise<Page<DailyLog>> {
    const project = await this.deps.projectAccess.get(actor, projectId);
    const visible: MongoFilter = { projectId: project._id };
    if (actor.role === 'customer') visible.customerVisible = true;
    const narrow: MongoFilter = {};
    if (query.authorId) narrow.authorId = new Types.ObjectId(query.authorId);
    if (query.from || query.to)
      narrow.date = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    const list = { scope: grantScope(visible), narrow };
    const page = await paginateById(this.deps.dailyLogs, list, query, (d) => d as DailyLogDoc);
    return { items: await this.present(actor, page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<DailyLog> {
    return this.presentOne(actor, await this.load(actor, id));
  }

  /** Its author, on the log's own day; afterwards the log is a record and stays as written. */
  async update(actor: Actor, id: string, input: UpdateDailyLogInput, requestId?: string): Promise<DailyLog> {
    const log = await this.load(actor, id);
    if (String(log.authorId) !== actor.id) throw new ForbiddenError('只有日志的填写人可以修改施工日志');
    if (log.date !== this.today())
      throw new ConflictError('CONFLICT', `施工日志只能在当天修改，${log.date} 的日志已不能修改`, {
        date: log.date,
      });
    const customerVisible = input.customerVisible ?? log.customerVisible;
    const photoIds = input.photoIds ?? log.photoIds.map(String);
    // Photos follow the log's visibility, before the log's own write: turned internal, they are
    // withdrawn even if that write fails. Other records showing the same photo keep theirs.
    if (input.photoIds || input.customerVisible !== undefined)
      await this.deps.files.attach(actor, photoIds, {
        projectId: String(log.projectId),
        customerVisible,
        record: { kind: 'daily_log', id: log._id },
      });
    const set = { ...input, ...(input.photoIds ? { photoIds: toObjectIds(input.photoIds) } : {}) };
    await retryTransient(() => this.deps.dailyLogs.updateOne({ _id: log._id }, { $set: set }));
    const changed = Object.keys(input) as Array<keyof UpdateDailyLogInput>;
    await this.deps.audit.record({
      actor,
      action: 'daily_log.updated',
      resource: 'daily_log',
      resourceId: log._id,
      before: Object.fromEntries(changed.map((k) => [k, log[k]])),
      after: input,
      requestId,
    });
    const updated = await this.deps.dailyLogs.findById(log._id).lean<DailyLogDoc>();
    if (!updated) throw new NotFoundError('施工日志不存在');
    await this.deps.timeline.update(timelineKey(log._id), {
      customerVisible: updated.customerVisible,
      summary: summaryOf(updated.workDone),
      photoIds: updated.photoIds,
    });
    return this.presentOne(actor, updated);
  }

  /** The log, or 404 when it is missing, its project unreadable, or it is internal and the actor a customer. */
  private async load(actor: Actor, id: string): Promise<DailyLogDoc> {
    const log = await this.deps.dailyLogs.findById(id).lean<DailyLogDoc>();
    if (!log) throw new NotFoundError('施工日志不存在');
    await this.deps.projectAccess.get(actor, String(log.projectId));
    if (actor.role === 'customer' && !log.customerVisible) throw new NotFoundError('施工日志不存在');
    return log;
  }

  private async presentOne(actor: Actor, doc: DailyLogDoc): Promise<DailyLog> {
    return (await this.present(actor, [doc]))[0]!;
  }

  private async present(actor: Actor, docs: DailyLogDoc[]): Promise<DailyLog[]> {
    const photos = await photoLookup(
      this.deps.files,
      actor,
      docs.map((d) => d.photoIds),
    );
    const today = this.today();
    return docs.map((d) => ({
      id: String(d._id),
      projectId: String(d.projectId),
      date: d.date,
      weather: d.weather,
      weatherLabel: WEATHER_LABELS[d.weather],
      temperature: d.temperature ?? null,
      headcount: d.headcount,
      workDone: d.workDone,
      problems: d.problems,
      photos: photos(d.photoIds, d.customerVisible),
      customerVisible: d.customerVisible,
      author: { id: String(d.authorId), name: d.authorName },
      editable: String(d.authorId) === actor.id && d.date === today,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    }));
  }
}
