/**
 * Value rules of subscribe-message template fields, by the key's kind (`thing1` → `thing`).
 * Mirrors WeChat's published limits; a value that breaks them is answered with 47003.
 */
const chars = (s: string) => [...s].length;
const HAN = /^[\u4e00-\u9fff]+$/;
const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;
const TIME = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const DATE = '\\d{4}(?:[-/.]\\d{1,2}[-/.]\\d{1,2}|年\\d{1,2}月\\d{1,2}日)';

const RULES: Record<string, (value: string) => boolean> = {
  thing: (v) => chars(v) <= 20,
  character_string: (v) => chars(v) <= 32 && ASCII_PRINTABLE.test(v),
  number: (v) => /^\d+(?:\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => chars(v) <= 5 && /^[^\p{L}\p{N}]+$/u.test(v),
  phrase: (v) => chars(v) <= 5 && HAN.test(v),
  amount: (v) => /^[¥￥$]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  time: (v) => new RegExp(`^(?:${DATE}\\s*)?${TIME}(?:\\s*[~-]\\s*(?:${DATE}\\s*)?${TIME})?$`).test(v),
  date: (v) => new RegExp(`^${DATE}(?:\\s+${TIME})?$`).test(v),
  name: (v) => (ASCII_PRINTABLE.test(v) ? chars(v) <= 20 : chars(v) <= 10),
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v),
  car_number: (v) => chars(v) <= 8,
};

export function fieldKind(key: string): string {
  return key.replace(/\d+$/, '');
}

/** Returns the first key whose value breaks its kind's rule (or whose kind is unknown). */
export function firstInvalidField(data: Record<string, unknown>): string | undefined {
  for (const [key, field] of Object.entries(data)) {
    const value = (field as { value?: unknown } | null)?.value;
    const rule = RULES[fieldKind(key)];
    if (!rule || typeof value !== 'string' || value.length === 0 || !rule(value)) return key;
  }
  return undefined;
}
