import { Types } from 'mongoose';
import type { ResponseClockKind, ResponseTimes, ResponseTimesQuery } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import { EVERYTHING, grantScope, scopedFilter, type Policy } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { ProjectModel } from '../projects/project.model';
import { PROJECT } from '../projects/project.policy';
import type { ResponseClockDoc, ResponseClockModel } from './response-clock.model';
import { groupStats, STATS_DEFINITION, summarize, type AnsweredClock } from './response-clock.stats';

export interface OpenClockInput {
  /** e.g. `complaint:<id>`, `repair:<id>`, `change_request:<id>`, `chat:<projectId>:<customerMessageId>`. */
  key: string;
  kind: ResponseClockKind;
  projectId: string | null;
  customerId: string;
  openedAt: Date;
}

const DEFAULT_WINDOW_MS = 30 * 86_400_000;

/**
 * First-response time of staff to customers, across change requests, complaints, repairs and chat.
 * Modules call `open` when the customer raises something and `answer` on the first staff
 * acknowledgement; the insights endpoint reads `stats`.
 */
export class ResponseClockService {
  constructor(
    private readonly deps: {
      responseClocks: ResponseClockModel;
      projects: ProjectModel;
      policy: Policy;
      lock: RedisLock;
    },
  ) {}

  /** Idempotent on key (unique index): opening twice keeps the first opening time. */
  async open(input: OpenClockInput): Promise<void> {
    try {
      await retryTransient(() =>
        this.deps.responseClocks.create({
          key: input.key,
          kind: input.kind,
          projectId: input.projectId ? new Types.ObjectId(input.projectId) : null,
          customerId: new Types.ObjectId(input.customerId),
          openedAt: input.openedAt,
        }),
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /**
   * First call wins; later calls (and calls for a key never opened) are no-ops answering null.
   * A Redis lock per key makes "first" hold across instances: FerretDB's guarded update alone
   * would let two simultaneous replies both believe they stopped the clock.
   */
  async answer(key: string, by: { id: string; name: string }, at: Date): Promise<number | null> {
    return this.deps.lock.withLock(`response-clock:${key}`, 10_000, async () => {
      const clock = await this.deps.responseClocks.findOne({ key }).lean<ResponseClockDoc>();
      if (!clock || clock.answeredAt) return null;
      const seconds = Math.max(0, Math.round((at.getTime() - clock.openedAt.getTime()) / 1000));
      await retryTransient(() =>
        this.deps.responseClocks.updateOne(
          { _id: clock._id, answeredAt: null },
          { $set: { answeredAt: at, answeredBy: { id: by.id, name: by.name }, responseSeconds: seconds } },
        ),
      );
      return seconds;
    });
  }

  /** The key of the clock of `kind` still running on a project, if any (chat keeps at most one). */
  async openKey(projectId: string, kind: ResponseClockKind): Promise<string | null> {
    const clock = await this.deps.responseClocks
      .findOne({ projectId: new Types.ObjectId(projectId), kind, answeredAt: null }, { key: 1 })
      .lean<Pick<ResponseClockDoc, 'key'>>();
    return clock?.key ?? null;
  }

  /**
   * avg / median / p90 over the answered requests raised in [from, to), grouped per staff member or
   * per period. A PM sees the requests on their own projects; admins and service staff see all.
   */
  async stats(actor: Actor, query: ResponseTimesQuery, now = new Date()): Promise<ResponseTimes> {
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
    const filter: Record<string, unknown> = { openedAt: { $gte: from, $lt: to } };
    if (query.kind) filter.kind = query.kind;
    // Who may call this at all is the route's rule; among them only a PM is held to their projects.
    const scope =
      actor.role === 'pm' ? grantScope({ projectId: { $in: await this.projectIdsOf(actor) } }) : EVERYTHING;
    const clocks = await this.deps.responseClocks
      .find(scopedFilter(scope, filter), { openedAt: 1, answeredAt: 1, answeredBy: 1, responseSeconds: 1 })
      .lean<Array<Pick<ResponseClockDoc, 'openedAt' | 'answeredAt' | 'answeredBy' | 'responseSeconds'>>>();
    const answered = clocks.filter((c): c is typeof c & AnsweredClock => c.answeredAt !== null);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: query.groupBy,
      period: query.period,
      kind: query.kind ?? null,
      definition: STATS_DEFINITION,
      overall: summarize(answered.map((c) => c.responseSeconds)),
      unanswered: clocks.length - answered.length,
      groups: groupStats(answered, query.groupBy, query.period),
    };
  }

  private async projectIdsOf(actor: Actor): Promise<Types.ObjectId[]> {
    const scope = this.deps.policy.scope(actor, PROJECT);
    const rows = await this.deps.projects.find(scope, { _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>();
    return rows.map((r) => r._id);
  }
}
