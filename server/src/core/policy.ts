import type { Actor } from './auth/actor';
import { ForbiddenError, NotFoundError } from './errors';

/**
 * The one place that answers "may this actor read / change this record". Domains register the
 * rules of their resources; routes and services ask through `assert` and `scope`. A record the
 * actor may not read answers exactly like a missing one (404), so its existence does not leak.
 */
export type Action = 'read' | 'change';

export type MongoFilter = Record<string, unknown>;

export interface ResourceRules<R> {
  read(actor: Actor, record: R): boolean;
  change(actor: Actor, record: R): boolean;
  /** A query filter that limits a list to the records the actor may read; `null` means none. */
  scope(actor: Actor): MongoFilter | null;
}

/** Matches nothing: for list queries of actors who may see no record of a kind. */
export const NOTHING: MongoFilter = { _id: { $exists: false } };

export class Policy {
  private readonly rules = new Map<string, ResourceRules<never>>();

  register<R>(resource: string, rules: ResourceRules<R>): void {
    if (this.rules.has(resource)) throw new Error(`policy for ${resource} registered twice`);
    this.rules.set(resource, rules as ResourceRules<never>);
  }

  private rulesFor<R>(resource: string): ResourceRules<R> {
    const rules = this.rules.get(resource);
    if (!rules) throw new Error(`no policy registered for ${resource}`);
    return rules as unknown as ResourceRules<R>;
  }

  can<R>(actor: Actor, action: Action, resource: string, record: R): boolean {
    const rules = this.rulesFor<R>(resource);
    if (!rules.read(actor, record)) return false;
    return action === 'read' || rules.change(actor, record);
  }

  /** Throws 404 when the record is missing or unreadable, 403 when readable but not changeable. */
  assert<R>(
    actor: Actor,
    action: Action,
    resource: string,
    record: R | null | undefined,
  ): asserts record is R {
    const rules = this.rulesFor<R>(resource);
    if (record === null || record === undefined || !rules.read(actor, record)) throw new NotFoundError();
    if (action === 'change' && !rules.change(actor, record)) throw new ForbiddenError();
  }

  scope(actor: Actor, resource: string): MongoFilter {
    return this.rulesFor(resource).scope(actor) ?? NOTHING;
  }
}
