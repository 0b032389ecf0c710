import { z } from 'zod';
import { ROLES, STAFF_ROLES } from './roles';

export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, '无效的 ID');

/** Mainland mobile numbers, stored without country code. */
export const phoneSchema = z.string().regex(/^1[3-9]\d{9}$/, '手机号格式不正确');

export const usernameSchema = z
  .string()
  .min(3, '用户名至少 3 个字符')
  .max(32, '用户名最多 32 个字符')
  .regex(/^[a-z0-9_.-]+$/, '用户名只能包含小写字母、数字和 _ . -');

/** Counted in characters of the NFKC form, as the server's policy counts them (an emoji is one, not two). */
export const PASSWORD_MIN_CHARS = 10;

/**
 * A new password as the form checks it. The server adds what needs more than the text: not the
 * username, not a common password (server/src/modules/auth/password-policy.ts).
 */
export const passwordSchema = z
  .string()
  .max(128, '密码最多 128 个字符')
  .refine((v) => [...v.normalize('NFKC')].length >= PASSWORD_MIN_CHARS, {
    message: `密码至少 ${PASSWORD_MIN_CHARS} 个字符`,
  });

/** What a known device carries: 32 random bytes, base64url (the server keeps only its hash). */
export const deviceTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '无效的设备标识');

export const staffLoginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
  /** Returned by an earlier successful sign-in of the same user on this client. */
  deviceToken: deviceTokenSchema.optional(),
});
export type StaffLoginInput = z.infer<typeof staffLoginSchema>;

export const wechatLoginSchema = z.strictObject({ code: z.string().min(1).max(128) });
export type WechatLoginInput = z.infer<typeof wechatLoginSchema>;

export const wechatBindSchema = z.strictObject({
  inviteCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{8}$/, '邀请码为 8 位字母或数字'),
});
export type WechatBindInput = z.infer<typeof wechatBindSchema>;

export const sessionUserSchema = z.object({
  id: z.string(),
  kind: z.enum(['staff', 'portal']),
  role: z.enum(ROLES),
  name: z.string(),
  username: z.string().optional(),
  customerId: z.string().nullable().optional(),
  customerName: z.string().nullable().optional(),
  /** Staff whose password was set by an admin: until they change it, only that and sign-out work. */
  mustChangePassword: z.boolean().optional(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const loginResultSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: sessionUserSchema,
  /** Staff sign-in only: keep it and send it with the next sign-in of this user from this client. */
  deviceToken: z.string().optional(),
});
export type LoginResult = z.infer<typeof loginResultSchema>;

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, '请输入当前密码').max(128),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

/** An admin sets a new password for someone who lost theirs; they must change it at their next sign-in. */
export const resetPasswordSchema = z.strictObject({ password: passwordSchema });
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;

export const createStaffSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(50),
  role: z.enum(STAFF_ROLES),
  phone: phoneSchema.optional(),
  /** Who the new person reports to (an active staff user); escalations and the insights team follow it. */
  managerId: objectIdSchema.nullable().optional(),
});
export type CreateStaffInput = z.infer<typeof createStaffSchema>;

export const updateStaffSchema = z
  .strictObject({
    role: z.enum(STAFF_ROLES).optional(),
    active: z.boolean().optional(),
    name: z.string().trim().min(1).max(50).optional(),
    /** An active staff user other than the person themself, or null to clear. */
    managerId: objectIdSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少提供一个要修改的字段' });
export type UpdateStaffInput = z.infer<typeof updateStaffSchema>;

export const staffUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  phone: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

/** A staff account as the admins' list shows it: who it reports to, and whether that person is still active. */
export const staffMemberSchema = staffUserSchema.extend({
  managerId: z.string().nullable(),
  managerName: z.string().nullable(),
  /** False when the manager was deactivated: escalations meant for them reach no one until it is changed. */
  managerActive: z.boolean().nullable(),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const inviteResultSchema = z.object({
  inviteCode: z.string(),
  expiresAt: z.string(),
  qrDataUrl: z.string(),
  customerId: z.string(),
});
export type InviteResult = z.infer<typeof inviteResultSchema>;

/** What the H5/weapp client learns about its environment at start-up. */
export const clientConfigSchema = z.object({
  appName: z.string(),
  /** In a browser, the page that stands in for WeChat's own login and pay (absent in production). */
  h5WechatBridgeUrl: z.string().nullable(),
});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

export const staffListQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  role: z.enum(STAFF_ROLES).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type StaffListQuery = z.infer<typeof staffListQuerySchema>;
