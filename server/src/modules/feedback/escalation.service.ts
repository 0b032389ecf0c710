import { Types, type Model } from 'mongoose';
import { FEEDBACK_DEADLINE_LABELS, type FeedbackDeadline } from '@gantry/shared';
import { short } from './escalation.deadlines';
import type { AuditLog } from '../../core/audit';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import { activeManagerOf } from '../auth/staff-admin.managers';
import type { Logger } from '../../core/logger';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { ProjectDoc, ProjectModel } from '../projects/project.model';
import {
  escalationKey,
  type EscalatedKind,
  type EscalationEntry,
  type EscalationMarkerDoc,
  type EscalationMarkerModel,
} from './escalation.model';

/** The fields complaints and repairs share for deadlines; the job reads nothing else. */
export interface EscalatableDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  customerId: Types.ObjectId;
  status: string;
  round: number;
  description: string;
  responseDueAt: Date;
  resolutionDueAt: Date;
  responseEscalatedAt?: Date | null;
  resolutionEscalatedAt?: Date | null;
  escalations: EscalationEntry[];
}

/** A kind of record with deadlines: in which statuses each deadline still runs. */
export interface EscalationSource {
  kind: EscalatedKind;
  label: string;
  model: Model<EscalatableDoc>;
  runningIn: Record<FeedbackDeadline, readonly string[]>;
}

export interface EscalationDeps {
  markers: EscalationMarkerModel;
  projects: ProjectModel;
  staffUsers: StaffUserModel;
  sources: EscalationSource[];
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  batch: number;
}

const DEADLINES: FeedbackDeadline[] = ['response', 'resolution'];
/** A marker still unpublished after this long belongs to a run that died. */
const STALE_MS = 5 * 60_000;
const escalatedField = (d: FeedbackDeadline) => `${d}EscalatedAt` as const;

/**
 * The `feedback.escalate-overdue` job: every breached deadline of a complaint or repair is
 * escalated once to the PM's manager (admins when there is none) with `<kind>.escalated`.
 * Exactly-once rests on the unique marker, not on the record's flag (which only keeps already
 * escalated breaches out of the next query).
 */
export class EscalationService {
  constructor(private readonly deps: EscalationDeps) {}

  async escalateOverdue(now = new Date()): Promise<{ escalated: number; recovered: number }> {
    const recovered = await this.finishStale();
    let escalated = 0;
    for (const source of this.deps.sources)
      for (const deadline of DEADLINES)
        for (const doc of await this.breaches(source, deadline, now))
          if (await this.escalate(source, doc, deadline, now)) escalated += 1;
    return { escalated, recovered };
  }

  private breaches(source: EscalationSource, deadline: FeedbackDeadline, now: Date) {
    return source.model
      .find({
        status: { $in: source.runningIn[deadline] },
        [`${deadline}DueAt`]: { $lte: now },
        [escalatedField(deadline)]: null,
      })
      .sort({ [`${deadline}DueAt`]: 1 })
      .limit(this.deps.batch)
      .lean<EscalatableDoc[]>();
  }

  /** True when this call escalated the breach (it won the marker). */
  private async escalate(
    source: EscalationSource,
    doc: EscalatableDoc,
    deadline: FeedbackDeadline,
    now: Date,
  ): Promise<boolean> {
    const project = await this.deps.projects.findById(doc.projectId, { pmId: 1 }).lean<ProjectDoc>();
    const { managerId, fallbackStaffIds } = await this.managerOf(project?.pmId ?? null);
    let marker: EscalationMarkerDoc;
    try {
      const created = await retryTransient(() =>
        this.deps.markers.create({
          key: escalationKey(source.kind, String(doc._id), doc.round, deadline),
          kind: source.kind,
          refId: doc._id,
          round: doc.round,
          deadline,
          dueAt: deadline === 'response' ? doc.responseDueAt : doc.resolutionDueAt,
          managerId,
          fallbackStaffIds,
        }),
      );
      marker = created.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return false; // another run has it (or it died: finishStale)
      throw err;
    }
    await this.complete(source, marker, now);
    return true;
  }

  /** Shows the escalation on the record, audits it and publishes the event; safe to repeat. */
  private async complete(source: EscalationSource, marker: EscalationMarkerDoc, at: Date): Promise<void> {
    const doc = await source.model.findById(marker.refId).lean<EscalatableDoc>();
    if (!doc) return;
    const shown = doc.escalations.some((e) => e.round === marker.round && e.deadline === marker.deadline);
    const entry = { deadline: marker.deadline, round: marker.round, at, managerId: marker.managerId };
    if (!shown) {
      await retryTransient(() =>
        source.model.updateOne(
          { _id: doc._id },
          { $push: { escalations: entry }, $set: { [escalatedField(marker.deadline)]: at } },
        ),
      );
      await this.deps.audit.record({
        actor: null,
        action: `${source.kind}.escalated`,
        resource: source.kind,
        resourceId: doc._id,
        after: entry,
      });
    }
    const project = await this.deps.projects
      .findById(doc.projectId, { name: 1, pmId: 1 })
      .lean<Pick<ProjectDoc, 'name' | 'pmId'>>();
    await this.deps.events.publish(
      `${source.kind}.escalated`,
      {
        customerId: String(doc.customerId),
        pmId: project?.pmId ? String(project.pmId) : undefined,
        managerId: marker.managerId ?? undefined,
        staffIds: marker.fallbackStaffIds,
        [`${source.kind}Id`]: String(doc._id),
        projectId: String(doc.projectId),
        projectName: project?.name ?? '',
        subject: short(doc.description),
        kindLabel: source.label,
        deadline: marker.deadline,
        deadlineLabel: FEEDBACK_DEADLINE_LABELS[marker.deadline],
        dueAt: marker.dueAt.toISOString(),
        round: marker.round,
      },
      { id: `${source.kind}.escalated:${marker.key}`, occurredAt: at },
    );
    await retryTransient(() =>
      this.deps.markers.updateOne({ _id: marker._id }, { $set: { publishedAt: new Date() } }),
    );
  }

  /** Markers a dead run inserted but never published: finish them (the event id dedupes notices). */
  private async finishStale(): Promise<number> {
    const stale = await this.deps.markers
      .find({ publishedAt: null, createdAt: { $lt: new Date(Date.now() - STALE_MS) } })
      .limit(this.deps.batch)
      .lean<EscalationMarkerDoc[]>();
    for (const marker of stale) {
      const source = this.deps.sources.find((s) => s.kind === marker.kind);
      if (source) await this.complete(source, marker, new Date());
    }
    if (stale.length) this.deps.logger.warn({ count: stale.length }, 'finished stale escalations');
    return stale.length;
  }

  /** The PM's active manager; without a PM or an active manager, every active admin instead. */
  private async managerOf(pmId: Types.ObjectId | null) {
    const managerId = await activeManagerOf(this.deps.staffUsers, pmId);
    if (managerId) return { managerId, fallbackStaffIds: [] as string[] };
    const admins = await this.deps.staffUsers
      .find({ role: 'admin', active: true }, { _id: 1 })
      .limit(20)
      .lean<Array<{ _id: Types.ObjectId }>>();
    return { managerId: null, fallbackStaffIds: admins.map((a) => String(a._id)) };
  }
}
