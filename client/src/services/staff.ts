import type { Page, StaffMember, StaffRole } from '@gantry/shared';
// Deep import: the package index would pull zod into the bundle for one label table.
import { ROLE_LABELS, STAFF_ROLES } from '@gantry/shared/src/roles';
import { http } from './http';

export const STAFF_ROLE_OPTIONS: ReadonlyArray<{ value: StaffRole; label: string }> = STAFF_ROLES.map(
  (role) => ({ value: role, label: ROLE_LABELS[role] }),
);

export const roleLabel = (role: StaffRole): string => ROLE_LABELS[role];

const enc = encodeURIComponent;

export function listStaff(query: { cursor?: string; active?: boolean; limit?: number } = {}) {
  return http.get<Page<StaffMember>>('/admin/users', {
    query: {
      cursor: query.cursor,
      limit: query.limit ?? 20,
      active: query.active === undefined ? undefined : String(query.active),
    },
  });
}

export function getStaff(id: string): Promise<StaffMember> {
  return http.get<StaffMember>(`/admin/users/${enc(id)}`);
}

export interface StaffChanges {
  name?: string;
  role?: StaffRole;
  active?: boolean;
  /** null clears the manager. */
  managerId?: string | null;
}

/** Errors are shown inline by the form (toast off), e.g. a manager that would close a loop. */
export function updateStaff(id: string, changes: StaffChanges): Promise<StaffMember> {
  return http.patch<StaffMember>(`/admin/users/${enc(id)}`, changes, { toast: false });
}

export interface NewStaff {
  username: string;
  password: string;
  name: string;
  role: StaffRole;
  phone?: string;
  managerId?: string | null;
}

export function createStaff(input: NewStaff): Promise<StaffMember> {
  return http.post<StaffMember>('/admin/users', input, { toast: false });
}

/** A new password for someone else: their sessions end and they must change it at next sign-in. */
export function resetStaffPassword(id: string, password: string): Promise<void> {
  return http.post<void>(`/admin/users/${enc(id)}/password`, { password }, { toast: false });
}
