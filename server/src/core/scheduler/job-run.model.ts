import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { JobOutcome, JobRun, JobTrigger } from '@gantry/shared';
import { modelOn } from '../db';

/**
 * One run of a scheduled job: written when it starts, finished when it ends (or times out, or is
 * found abandoned by a dead instance).
 */
export interface JobRunDoc {
  _id: Types.ObjectId;
  job: string;
  trigger: JobTrigger;
  /** The scheduled fire time (the tick's identity across instances); the request time for manual runs. */
  tick: Date;
  /** 1 for a tick's first run; the next number each time a run of that tick was abandoned. */
  attempt: number;
  /**
   * `<job>@<tick ISO>#<attempt>` on scheduled runs, unique: the one point where instances agree who
   * runs a tick (and who re-runs it after a crash). Absent on manual runs.
   */
  claimKey?: string;
  /** The token of the run's lease in Redis (`job-lock:<job>`): the lease is alive while it holds this. */
  leaseToken: string | null;
  instanceId: string;
  actorId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  outcome: JobOutcome;
  error: string | null;
  result: Record<string, unknown> | null;
}

const jobRunSchema = new Schema<JobRunDoc>(
  {
    job: { type: String, required: true },
    trigger: { type: String, required: true },
    tick: { type: Date, required: true },
    attempt: { type: Number, required: true, default: 1 },
    claimKey: { type: String },
    leaseToken: { type: String, default: null },
    instanceId: { type: String, required: true },
    actorId: { type: String, default: null },
    startedAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    outcome: { type: String, required: true },
    error: { type: String, default: null },
    result: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'job_runs', versionKey: false },
);
jobRunSchema.index({ job: 1, _id: -1 });
// Sparse: runs written before the claim key existed, and manual runs, have none.
jobRunSchema.index({ claimKey: 1 }, { unique: true, sparse: true });
// Boot-time recovery of runs left `running` (production MongoDB; FerretDB scans).
jobRunSchema.index({ outcome: 1 });

export type JobRunModel = Model<JobRunDoc>;

export function jobRunModel(conn: Connection): JobRunModel {
  return modelOn(conn, 'JobRun', jobRunSchema);
}

export function toJobRun(doc: JobRunDoc): JobRun {
  return {
    id: String(doc._id),
    job: doc.job,
    trigger: doc.trigger,
    tick: doc.tick.toISOString(),
    attempt: doc.attempt ?? 1,
    instanceId: doc.instanceId,
    actorId: doc.actorId,
    startedAt: doc.startedAt.toISOString(),
    endedAt: doc.endedAt ? doc.endedAt.toISOString() : null,
    outcome: doc.outcome,
    error: doc.error,
    result: doc.result,
  };
}
