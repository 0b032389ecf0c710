import type { CustomerType } from './crm';

/**
 * Normalisers behind duplicate detection and search. Pure functions, shared by the API (keys and
 * queries) and the client (a warning before submit), so both sides agree on what "the same" is.
 */

/**
 * Unicode format characters (category Cf): zero-width space and joiners, bidi marks and
 * overrides, the BOM, soft hyphen, word joiner. They are invisible, so two names that differ only
 * by them look identical to people and must be the same name to the duplicate guard.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/** Control characters (category Cc): never part of a name; refused rather than silently dropped. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Text as it is stored and compared: NFKC (full-width letters and digits, the ideographic space,
 * NBSP and compatibility forms become their plain forms), format characters removed, trimmed.
 */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').replace(FORMAT_CHARACTERS, '').trim();
}

/** `value` without format characters, otherwise as typed. */
export function stripFormatCharacters(value: string): string {
  return value.replace(FORMAT_CHARACTERS, '');
}

/** True when `value` holds a control character (tab, newline, NUL, DEL, C1 controls…). */
export function hasControlCharacter(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/**
 * The generation of the keys these functions compute. Customers store the version their keys were
 * computed with; the key recompute job brings older ones to this one. Raise it whenever a change
 * here can give an existing customer a different key.
 */
export const CUSTOMER_KEY_VERSION = 2;

const PHONE_SEPARATORS = /[\s\-()（）.]/g;
const MOBILE = /^1[3-9]\d{9}$/;
/** Area code (3 or 4 digits with the leading 0) and a 7- or 8-digit number. */
const LANDLINE = /^0[1-9]\d{8,10}$/;

/**
 * A mainland mobile or landline reduced to its digits: `+86 138-0013-8000` → `13800138000`,
 * `(021) 5000-0001` → `02150000001`, `+86 21 5000 0001` → `02150000001`. Null when it is not one.
 */
export function normalizePhone(raw: string): string | null {
  let digits = normalizeText(raw).replace(PHONE_SEPARATORS, '');
  const international = /^(\+86|0086)/.exec(digits);
  if (international) {
    digits = digits.slice(international[0].length);
    if (!MOBILE.test(digits) && !digits.startsWith('0')) digits = `0${digits}`;
  } else if (digits.length === 13 && digits.startsWith('86') && MOBILE.test(digits.slice(2))) {
    digits = digits.slice(2);
  }
  if (MOBILE.test(digits) || LANDLINE.test(digits)) return digits;
  return null;
}

/** The distinct normalised phones among `phones` (invalid and empty ones dropped). */
export function phoneKeysOf(phones: ReadonlyArray<string | null | undefined>): string[] {
  const keys = new Set<string>();
  for (const phone of phones) {
    const key = phone ? normalizePhone(phone) : null;
    if (key) keys.add(key);
  }
  return [...keys];
}

/**
 * The key of a name: `normalizeText`, lower case, and no whitespace (any Unicode space),
 * punctuation, symbols or controls. What search matches against and what company keys start from.
 */
export function normalizeName(name: string): string {
  return normalizeText(name)
    .toLowerCase()
    .replace(/[\s\p{Z}\p{P}\p{S}\p{C}]/gu, '');
}

/** Longest first, so 股份有限公司 goes before 有限公司 and 公司. */
const COMPANY_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '集团', '公司'].sort(
  (a, b) => b.length - a.length,
);

/**
 * A company name for duplicate detection: `华景置业有限公司`, ` 华景置业 ` and `华景置业集团有限公司`
 * all give `华景置业`. Suffixes are stripped repeatedly, but never down to nothing.
 */
export function normalizeCompanyName(name: string): string {
  let key = normalizeName(name);
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of COMPANY_SUFFIXES) {
      if (key.endsWith(suffix) && key.length > suffix.length) {
        key = key.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  return key;
}

/** Individuals share names too often to be refused for one; only organisations get a name key. */
export function nameKeyOf(type: CustomerType, name: string): string | null {
  if (type === 'individual') return null;
  const key = normalizeCompanyName(name);
  return key.length > 0 ? key : null;
}

/** The unique keys a customer holds in the duplicate index: `name:华景置业`, `phone:13800138000`. */
export function duplicateKeysOf(customer: {
  nameKey: string | null;
  phoneKeys: readonly string[];
}): string[] {
  return [
    ...(customer.nameKey ? [`name:${customer.nameKey}`] : []),
    ...customer.phoneKeys.map((p) => `phone:${p}`),
  ];
}

/**
 * The phone part of a search: digits only once separators and a +86 prefix are gone, at least 3.
 * Null when the query is not phone-like (it is then a name search only).
 */
export function phoneSearchPrefix(query: string): string | null {
  const full = normalizePhone(query);
  if (full) return full;
  const digits = normalizeText(query)
    .replace(PHONE_SEPARATORS, '')
    .replace(/^(\+86|0086)/, '');
  return /^\d{3,12}$/.test(digits) ? digits : null;
}
