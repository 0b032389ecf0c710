import type { Role } from '@gantry/shared';

/** Who is making a request. Built from the session; record rules ask questions of it. */
export interface Actor {
  id: string;
  kind: 'staff' | 'portal';
  role: Role;
  name: string;
  /** For portal (customer) accounts: the customer the WeChat account is bound to, if any. */
  customerId: string | null;
  sessionId: string;
  /** Staff signed in with a password an admin set: only changing it and signing out are open. */
  mustChangePassword?: boolean;
}

export function isStaff(actor: Actor): boolean {
  return actor.kind === 'staff';
}
