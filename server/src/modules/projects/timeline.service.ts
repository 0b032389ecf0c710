import { Types } from 'mongoose';
import type { Page } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { isDuplicateKeyError } from '../../core/errors';
import { paginateById } from '../../core/pagination';
import { grantScope } from '../../core/policy';
import type { TimelineEntryDoc, TimelineModel } from './timeline.model';

export interface TimelineInput {
  /** Stable per happening, e.g. `daily_log:<id>` or `milestone.confirmed:<id>:<round>`. */
  key: string;
  projectId: string | Types.ObjectId;
  kind: string;
  refId: string | Types.ObjectId;
  occurredAt: Date;
  customerVisible: boolean;
  title: string;
  summary?: string;
  photoIds?: Array<string | Types.ObjectId>;
  actor?: { id: string; name: string } | null;
}

export interface TimelineItem {
  id: string;
  kind: string;
  refId: string;
  occurredAt: string;
  customerVisible: boolean;
  title: string;
  summary: string;
  photoIds: string[];
  actor: { id: string; name: string } | null;
}

const toItem = (d: TimelineEntryDoc): TimelineItem => ({
  id: String(d._id),
  kind: d.kind,
  refId: String(d.refId),
  occurredAt: d.occurredAt.toISOString(),
  customerVisible: d.customerVisible,
  title: d.title,
  summary: d.summary,
  photoIds: d.photoIds.map(String),
  actor: d.actor ?? null,
});

/**
 * The project's history. `record` is idempotent on `key`; `update` keeps an entry in step when its
 * record is edited (a daily log edited the same day, visibility changed). Reading is cursor-paged
 * newest first; customers only ever get customer-visible entries. Access to the project itself is
 * checked by the caller (ProjectAccess).
 */
export class TimelineService {
  constructor(private readonly deps: { timeline: TimelineModel }) {}

  async record(input: TimelineInput): Promise<void> {
    try {
      await this.deps.timeline.create({
        ...input,
        summary: input.summary ?? '',
        photoIds: (input.photoIds ?? []).map((id) => new Types.ObjectId(String(id))),
        actor: input.actor ?? null,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async update(
    key: string,
    patch: Partial<Pick<TimelineInput, 'customerVisible' | 'title' | 'summary' | 'photoIds'>>,
  ): Promise<void> {
    const set: Record<string, unknown> = { ...patch };
    if (patch.photoIds) set.photoIds = patch.photoIds.map((id) => new Types.ObjectId(String(id)));
    await this.deps.timeline.updateOne({ key }, { $set: set });
  }

  async page(
    actor: Actor,
    projectId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<TimelineItem>> {
    const visible: Record<string, unknown> = { projectId: new Types.ObjectId(projectId) };
    if (actor.role === 'customer') visible.customerVisible = true;
    return paginateById(this.deps.timeline, { scope: grantScope(visible) }, page, toItem);
  }
}
