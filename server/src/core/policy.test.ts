import type { Actor } from './auth/actor';
import { ForbiddenError, NotFoundError } from './errors';
import { NOTHING, Policy } from './policy';

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
    expect(p.scope(actor('engineer'), 'doc')).toBe(NOTHING);
  });

  it('refuses to answer for a resource nobody registered', () => {
    expect(() => policy().can(actor('admin'), 'read', 'unknown', {})).toThrow(/no policy/);
  });
});
