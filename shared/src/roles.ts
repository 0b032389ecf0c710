export const STAFF_ROLES = ['admin', 'sales', 'pm', 'engineer', 'finance', 'service'] as const;
export const ROLES = [...STAFF_ROLES, 'customer'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  sales: '销售',
  pm: '项目经理',
  engineer: '现场工程师',
  finance: '财务',
  service: '客服',
  customer: '客户',
};

export function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}
