import type { Actor } from './auth/actor';
import { ForbiddenError, NotFoundError } from './errors';

/**
 * The one place that answers "may this actor read / change this record". Domains register the
 * rules of their resources; routes and services ask through `assert` and `scope`. A record the
 * actor may not read answers exactly like a missing one (404), so its existence does not leak.
 */
export type Action = 'read' | 'change';

export type MongoFilter = Record<string, unknown>;

declare const scopeBrand: unique symbol;

/**
 * The records of a kind an actor may read, as a query filter. Branded so that only the policy (or
 * an access class, through `grantScope`) can make one: a list that takes a `Scope` cannot be handed
 * the query string's filter by mistake, and `scopedFilter` is the one way to narrow it.
 */
export type Scope = MongoFilter & { readonly [scopeBrand]: true };

/** For access classes whose rules need a lookup (e.g. the projects a PM runs) and so live outside `register`. */
export function grantScope(filter: MongoFilter): Scope {
  return filter as Scope;
}

/**
 * The records hanging off one parent (a project's files, a contract's amendments): the scope of a
 * nested list, for a parent the actor has just been allowed to read through `assert` or an access class.
 */
export function scopeUnder(field: string, parentId: unknown): Scope {
  return grantScope({ [field]: parentId });
}

/** Matches nothing: for list queries of actors who may see no record of a kind. */
export const NOTHING: Scope = grantScope({ _id: { $exists: false } });

/**
 * Every record: only for lists whose route admits nobody but roles that read every record of the
 * kind (admin screens, finance's reconciliation), and for an actor's own records (their inbox)
 * where the narrowing names the actor.
 */
export const EVERYTHING: Scope = grantScope({});

/**
 * The filter of a list: the actor's scope AND every narrowing the caller asks for (query string,
 * cursor, the parent record of a nested list). Each part is a separate `$and` clause, so a
 * narrowing on the same field as the scope (`customerId`, `_id`) can only remove records; spreading
 * the two into one object would let the later key replace the scope's.
 */
export function scopedFilter(scope: Scope, ...narrowing: Array<MongoFilter | null | undefined>): MongoFilter {
  const parts = [scope, ...narrowing].filter(
    (part): part is MongoFilter => part !== null && part !== undefined && Object.keys(part).length > 0,
  );
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0]!;
  return { $and: parts };
}

export interface ResourceRules<R> {
  read(actor: Actor, record: R): boolean;
  change(actor: Actor, record: R): boolean;
  /** A query filter that limits a list to the records the actor may read; `null` means none. */
  scope(actor: Actor): MongoFilter | null;
}

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

  scope(actor: Actor, resource: string): Scope {
    const scope = this.rulesFor(resource).scope(actor);
    return scope === null ? NOTHING : grantScope(scope);
  }

  /** The filter of a list of `resource`: the actor's scope narrowed by the caller's filters. */
  list(actor: Actor, resource: string, ...narrowing: Array<MongoFilter | null | undefined>): MongoFilter {
    return scopedFilter(this.scope(actor, resource), ...narrowing);
  }
}
