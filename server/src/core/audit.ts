import { Schema, type Connection, type Model, Types } from 'mongoose';
import type { Actor } from './auth/actor';
import { modelOn } from './db';

/**
 * Append-only audit trail for every change that matters (status, amount, permission, role).
 * Written after the change it describes; `requestId` ties it to the access log line.
 */
export interface AuditEntry {
  at: Date;
  actorId: string | null;
  actorKind: 'staff' | 'portal' | 'system';
  action: string;
  resource: string;
  resourceId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true, default: () => new Date() },
    actorId: { type: String, default: null },
    actorKind: { type: String, required: true },
    action: { type: String, required: true },
    resource: { type: String, required: true },
    resourceId: { type: String, required: true },
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    requestId: String,
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ resource: 1, resourceId: 1, at: -1 });
auditSchema.index({ actorId: 1, at: -1 });

export interface AuditInput {
  actor: Pick<Actor, 'id' | 'kind'> | null;
  action: string;
  resource: string;
  resourceId: string | Types.ObjectId;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

export class AuditLog {
  readonly model: Model<AuditEntry>;

  constructor(conn: Connection) {
    this.model = modelOn(conn, 'AuditEntry', auditSchema);
  }

  async record(input: AuditInput): Promise<void> {
    await this.model.create({
      actorId: input.actor?.id ?? null,
      actorKind: input.actor?.kind ?? 'system',
      action: input.action,
      resource: input.resource,
      resourceId: String(input.resourceId),
      before: input.before,
      after: input.after,
      requestId: input.requestId,
    });
  }

  async forResource(resource: string, resourceId: string, limit = 50): Promise<AuditEntry[]> {
    return this.model.find({ resource, resourceId }).sort({ at: -1 }).limit(limit).lean();
  }
}

/** What an audit entry keeps of an update: the fields as set, id arrays (photos…) as strings. */
export function auditableFields(set: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(set).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : v]));
}
