import type { Actor } from './auth/actor';
import { ForbiddenError, NotFoundError } from './errors';
import { EVERYTHING, grantScope, NOTHING, Policy, scopedFilter, type Scope } from './policy';

type Doc = { ownerId: string | null };
const actor = (role: Actor['role'], id = 'u1'): Actor => ({
  id,
  role,
  kind: 'staff',
  name: 'x',
  customerId: null,
  sessionId: 's',
});

function policy() {
  const p = new Policy();
  p.register<Doc>('doc', {
    read: (a, d) => a.role === 'admin' || d.ownerId === a.id || a.role === 'finance',
    change: (a, d) => a.role === 'admin' || d.ownerId === a.id,
    scope: (a) => (a.role === 'admin' ? {} : a.role === 'sales' ? { ownerId: a.id } : null),
  });
  return p;
}

describe('Policy', () => {
  it('answers 404 for a record the actor may not read, exactly as for a missing one', () => {
    const p = policy();
    expect(() => p.assert(actor('sales'), 'read', 'doc', { ownerId: 'other' })).toThrow(NotFoundError);
    expect(() => p.assert(actor('sales'), 'read', 'doc', null)).toThrow(NotFoundError);
  });

  it('answers 403 for a record the actor may read but not change', () => {
    expect(() => policy().assert(actor('finance'), 'change', 'doc', { ownerId: 'other' })).toThrow(
      ForbiddenError,
    );
  });

  it('lets owners change and scopes lists', () => {
    const p = policy();
    expect(p.can(actor('sales'), 'change', 'doc', { ownerId: 'u1' })).toBe(true);
    expect(p.scope(actor('sales'), 'doc')).toEqual({ ownerId: 'u1' });
    expect(p.list(actor('sales'), 'doc', { ownerId: 'u2' })).toEqual({
      $and: [{ ownerId: 'u1' }, { ownerId: 'u2' }],
    });
    expect(p.scope(actor('engineer'), 'doc')).toBe(NOTHING);
  });

  it('refuses to answer for a resource nobody registered', () => {
    expect(() => policy().can(actor('admin'), 'read', 'unknown', {})).toThrow(/no policy/);
  });
});

/** The records of `docs` a filter built by `scopedFilter` lets through (equality and `$and` only). */
function matches(filter: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, want]) =>
    key === '$and'
      ? (want as Array<Record<string, unknown>>).every((part) => matches(part, doc))
      : doc[key] === want,
  );
}

describe('scopedFilter', () => {
  const docs = [
    { _id: 'c1', customerId: 'own' },
    { _id: 'c2', customerId: 'other' },
  ];
  const own = grantScope({ customerId: 'own' });
  const listed = (filter: Record<string, unknown>) =>
    docs.filter((d) => matches(filter, d)).map((d) => d._id);

  it("lets a filter on the scoped field only narrow: another customer's id finds nothing", () => {
    expect(listed(scopedFilter(own, { customerId: 'other' }))).toEqual([]);
    expect(listed(scopedFilter(own, { customerId: 'own' }))).toEqual(['c1']);
    expect(scopedFilter(own, { customerId: 'other' })).toEqual({
      $and: [{ customerId: 'own' }, { customerId: 'other' }],
    });
  });

  it('keeps the scope when there is nothing to narrow, and drops empty parts', () => {
    expect(scopedFilter(own)).toEqual({ customerId: 'own' });
    expect(scopedFilter(own, {}, undefined, null)).toEqual({ customerId: 'own' });
    expect(scopedFilter(EVERYTHING, { customerId: 'other' })).toEqual({ customerId: 'other' });
    expect(scopedFilter(EVERYTHING)).toEqual({});
  });

  it('keeps match-nothing whatever the narrowing says about `_id` (a cursor, an id filter)', () => {
    expect(scopedFilter(NOTHING, { _id: { $lt: 'zzz' } })).toEqual({
      $and: [{ _id: { $exists: false } }, { _id: { $lt: 'zzz' } }],
    });
  });

  it('takes a scope only from the policy or an access class (checked by tsc)', () => {
    // @ts-expect-error a request's filter cannot stand where the actor's scope belongs
    const forged: Scope = { customerId: 'other' };
    expect(scopedFilter(own, forged)).toEqual({ $and: [{ customerId: 'own' }, { customerId: 'other' }] });
  });

  it('does not change the scope object it was given', () => {
    const scope = grantScope({ customerId: 'own' });
    scopedFilter(scope, { customerId: 'other' });
    expect(scope).toEqual({ customerId: 'own' });
  });
});
