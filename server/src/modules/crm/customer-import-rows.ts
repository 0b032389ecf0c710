import {
  CUSTOMER_SOURCE_LABELS,
  CUSTOMER_SOURCES,
  CUSTOMER_TYPE_LABELS,
  CUSTOMER_TYPES,
  createCustomerSchema,
  nameKeyOf,
  normalizeName,
  type CreateCustomerInput,
  type CustomerSource,
  type CustomerType,
} from '@gantry/shared';
import type { RawContact, RawRow } from './customer-import-layout';
import { derivedKeyFields } from './customer-keys';

const TYPE_BY_LABEL = new Map<string, CustomerType>([
  ...CUSTOMER_TYPES.map((t) => [t, t] as const),
  ...Object.entries(CUSTOMER_TYPE_LABELS).map(([t, label]) => [label, t as CustomerType] as const),
  ['政府', 'government'],
  ['事业单位', 'government'],
  ['民企', 'private_company'],
]);
const SOURCE_BY_LABEL = new Map<string, CustomerSource>([
  ...CUSTOMER_SOURCES.map((s) => [s, s] as const),
  ...Object.entries(CUSTOMER_SOURCE_LABELS).map(([s, label]) => [label, s as CustomerSource] as const),
  ['转介绍', 'referral'],
]);
const FIELD_LABELS: Record<string, string> = {
  name: '客户名称',
  phone: '电话',
  source: '来源',
  referredBy: '推荐客户',
  tags: '标签',
  notes: '备注',
  contacts: '联系人',
};
/** Stands in for the referrer's id while the row is validated; replaced once the name is resolved. */
export const REFERRER_PLACEHOLDER = '000000000000000000000000';

export interface CheckedRow {
  input: CreateCustomerInput;
  /** The referring customer's name as written, to be resolved to an id (null: not a referral). */
  referrerName: string | null;
  keys: string[];
}

/** A name as the referrer column is matched against: the company key for organisations. */
export function referrerKeyOf(name: string): string {
  return nameKeyOf('private_company', name) ?? normalizeName(name);
}

/** The same keys `CustomerService.create` reserves, so a file's rows are checked as the API would. */
export function keysOf(input: CreateCustomerInput): string[] {
  return derivedKeyFields(input).keys;
}

function sourceOf(cells: RawRow['cells'], reasons: string[]): CustomerSource {
  const written = cells.source ? SOURCE_BY_LABEL.get(cells.source) : undefined;
  if (cells.source && !written) {
    const choices = Object.values(CUSTOMER_SOURCE_LABELS).join('、');
    reasons.push(`未知的来源「${cells.source}」（可填：${choices}）`);
  }
  if (cells.referrer && written && written !== 'referral')
    reasons.push(`填写了推荐客户，来源须为「${CUSTOMER_SOURCE_LABELS.referral}」或留空`);
  if (written === 'referral' && !cells.referrer) reasons.push('来源为客户转介绍时须填写推荐客户');
  return cells.referrer ? 'referral' : (written ?? 'other');
}

function contactReasons(contacts: RawContact[]): string[] {
  return contacts
    .filter((c) => !c.name && (c.title || c.phone))
    .map((c) => `${c.label}：填写了职务或电话，但缺少姓名`);
}

/** One row to a create input (validated by the API's own schema), or the reasons it is refused. */
export function checkRow(
  { cells, contacts }: RawRow,
  ownerId: string | null | undefined,
): CheckedRow | { reasons: string[] } {
  const reasons: string[] = [];
  if (!cells.name) reasons.push('缺少客户名称');
  const type = TYPE_BY_LABEL.get(cells.type);
  if (!cells.type) reasons.push('缺少客户类型');
  else if (!type) reasons.push(`未知的客户类型「${cells.type}」（可填：政府、开发商、民营企业、个人）`);
  const source = sourceOf(cells, reasons);
  if (cells.referrer && cells.name && referrerKeyOf(cells.referrer) === referrerKeyOf(cells.name))
    reasons.push('推荐客户不能是客户自己');
  reasons.push(...contactReasons(contacts));
  const named = contacts.filter((c) => c.name);
  const parsed = createCustomerSchema.safeParse({
    name: cells.name || '-',
    type: type ?? 'private_company',
    phone: cells.phone || null,
    contacts: named.map((c) => ({ name: c.name, title: c.title, phone: c.phone || null })),
    source,
    referredBy: source === 'referral' ? REFERRER_PLACEHOLDER : null,
    tags: cells.tags
      .split(/[,，、;；]/)
      .map((t) => t.trim())
      .filter(Boolean),
    notes: cells.notes,
    ...(ownerId !== undefined ? { ownerId } : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, index, field] = issue.path.map(String);
      const contact = first === 'contacts' && index !== undefined ? named[Number(index)] : undefined;
      const label = contact
        ? `${contact.label}${field === 'phone' ? '电话' : field === 'title' ? '职务' : ''}`
        : (FIELD_LABELS[first ?? ''] ?? first);
      reasons.push(`${label}：${issue.message}`);
    }
  }
  if (reasons.length > 0 || !parsed.success) return { reasons };
  return { input: parsed.data, referrerName: cells.referrer || null, keys: keysOf(parsed.data) };
}
