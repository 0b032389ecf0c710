import { z } from 'zod';
import { objectIdSchema } from './auth';
import { normalizePhone } from './crm-normalize';
import { nameTextSchema, verbatimTextSchema } from './text';

export * from './crm-normalize';
export * from './text';

export const CUSTOMER_TYPES = ['government', 'developer', 'private_company', 'individual'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const CUSTOMER_TYPE_LABELS: Record<CustomerType, string> = {
  government: '政府/事业单位',
  developer: '开发商',
  private_company: '民营企业',
  individual: '个人',
};

export const CUSTOMER_TIERS = ['high_value', 'potential', 'regular', 'risk'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export const CUSTOMER_TIER_LABELS: Record<CustomerTier, string> = {
  high_value: '高价值',
  potential: '潜力',
  regular: '普通',
  risk: '风险',
};

export const CUSTOMER_SOURCES = ['online_ad', 'expo', 'referral', 'website', 'other'] as const;
export type CustomerSource = (typeof CUSTOMER_SOURCES)[number];

export const CUSTOMER_SOURCE_LABELS: Record<CustomerSource, string> = {
  online_ad: '网络广告',
  expo: '展会',
  referral: '客户转介绍',
  website: '官网',
  other: '其他',
};

/** A mainland mobile or landline in any common spelling; stored as typed, keyed normalised. */
export const customerPhoneSchema = nameTextSchema('电话号码')
  .max(30, '电话号码过长')
  .refine((v) => normalizePhone(v) !== null, '电话号码格式不正确（手机号或带区号的座机）');

export const customerContactSchema = z.strictObject({
  name: verbatimTextSchema('联系人姓名').min(1, '请填写联系人姓名').max(50, '联系人姓名最多 50 个字符'),
  title: verbatimTextSchema('联系人职务').max(50, '联系人职务最多 50 个字符').default(''),
  phone: customerPhoneSchema.nullable().default(null),
});
export type CustomerContact = z.infer<typeof customerContactSchema>;

const tagSchema = verbatimTextSchema('标签').min(1, '标签不能为空').max(20, '标签最多 20 个字符');

/** Fields a customer is created or edited with; ownership changes only by claim and assign. */
const customerFields = {
  name: verbatimTextSchema('客户名称').min(1, '请填写客户名称').max(100, '客户名称最多 100 个字符'),
  type: z.enum(CUSTOMER_TYPES),
  phone: customerPhoneSchema.nullable(),
  contacts: z.array(customerContactSchema).max(20, '联系人最多 20 个'),
  source: z.enum(CUSTOMER_SOURCES),
  referredBy: objectIdSchema.nullable(),
  tags: z.array(tagSchema).max(20, '标签最多 20 个'),
  notes: z.string().max(2000, '备注最多 2000 个字符'),
  creditDays: z.number().int('账期须为整数天').min(0).max(365, '账期最多 365 天'),
  /** Integer fen. */
  creditLimit: z.number().int('信用额度须为整数（分）').min(0).max(1_000_000_000_000),
};

const referralNeedsReferrer = (
  v: { source?: CustomerSource; referredBy?: string | null },
  ctx: z.RefinementCtx,
) => {
  if (v.source === 'referral' && !v.referredBy)
    ctx.addIssue({ code: 'custom', path: ['referredBy'], message: '转介绍客户须填写推荐客户' });
  if (v.source !== undefined && v.source !== 'referral' && v.referredBy)
    ctx.addIssue({ code: 'custom', path: ['referredBy'], message: '只有转介绍客户可以填写推荐客户' });
};

export const createCustomerSchema = z
  .strictObject({
    ...customerFields,
    phone: customerFields.phone.default(null),
    contacts: customerFields.contacts.default([]),
    source: customerFields.source.default('other'),
    referredBy: customerFields.referredBy.default(null),
    tags: customerFields.tags.default([]),
    notes: customerFields.notes.default(''),
    creditDays: customerFields.creditDays.default(0),
    creditLimit: customerFields.creditLimit.default(0),
    /** Admins: a salesperson, or null for the shared pool (the default). Sales: themselves (default) or null. */
    ownerId: objectIdSchema.nullable().optional(),
  })
  .superRefine(referralNeedsReferrer);
export type CreateCustomerInput = z.infer<typeof createCustomerSchema>;

export const updateCustomerSchema = z
  .strictObject({
    name: customerFields.name.optional(),
    type: customerFields.type.optional(),
    phone: customerFields.phone.optional(),
    contacts: customerFields.contacts.optional(),
    source: customerFields.source.optional(),
    referredBy: customerFields.referredBy.optional(),
    tags: customerFields.tags.optional(),
    notes: customerFields.notes.optional(),
    creditDays: customerFields.creditDays.optional(),
    creditLimit: customerFields.creditLimit.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '至少提供一个要修改的字段' });
export type UpdateCustomerInput = z.infer<typeof updateCustomerSchema>;

export const assignCustomerSchema = z.strictObject({ ownerId: objectIdSchema.nullable() });
export type AssignCustomerInput = z.infer<typeof assignCustomerSchema>;

export const customerListQuerySchema = z
  .strictObject({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    tier: z.enum(CUSTOMER_TIERS).optional(),
    ownerId: objectIdSchema.optional(),
    pool: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    type: z.enum(CUSTOMER_TYPES).optional(),
    tag: tagSchema.optional(),
    source: z.enum(CUSTOMER_SOURCES).optional(),
    /** Name (substring) or phone (prefix) */
    q: z.string().trim().min(1).max(50).optional(),
  })
  .refine((v) => !(v.pool && v.ownerId), { path: ['pool'], message: 'pool 与 ownerId 不能同时使用' });
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;

export const customerSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CUSTOMER_TYPES),
  phone: z.string().nullable(),
  contacts: z.array(z.object({ name: z.string(), title: z.string(), phone: z.string().nullable() })),
  source: z.enum(CUSTOMER_SOURCES),
  referredBy: z.string().nullable(),
  ownerId: z.string().nullable(),
  /** Null for the pool, or when the owner's account is deactivated. */
  ownerName: z.string().nullable(),
  tier: z.enum(CUSTOMER_TIERS),
  tags: z.array(z.string()),
  /** Filled by scoring, never by hand. */
  autoTags: z.array(z.string()),
  notes: z.string(),
  creditDays: z.number().int(),
  creditLimit: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Customer = z.infer<typeof customerSchema>;

export const customerDetailSchema = customerSchema.extend({
  portalAccounts: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type CustomerDetail = z.infer<typeof customerDetailSchema>;

export const customerPageSchema = z.object({
  items: z.array(customerSchema),
  nextCursor: z.string().nullable(),
});
