/**
 * WeChat subscribe-message field limits, by the kind that prefixes each key (`thing1`, `amount3`).
 * Values are cut on our side so a long project name never turns a notice into a 47003.
 */
const LIMITS: Record<string, number> = {
  thing: 20,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  phrase: 5,
  name: 10,
  phone_number: 17,
  car_number: 8,
};

function kindOf(key: string): string {
  return key.replace(/\d+$/, '');
}

function cut(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** Formats fen as WeChat's amount field wants it: `¥1234.50`. */
export function formatAmountFen(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

export function fitSubscribeValue(key: string, value: string): string {
  const kind = kindOf(key);
  const clean = value.replace(/\s+/g, ' ').trim();
  switch (kind) {
    case 'character_string':
      return clean.replace(/[^\x21-\x7e]/g, '').slice(0, LIMITS[kind]);
    case 'number':
      return clean.replace(/[^\d.]/g, '').slice(0, LIMITS[kind]);
    case 'phrase':
      return Array.from(clean.replace(/[^\u4e00-\u9fa5]/g, ''))
        .slice(0, 5)
        .join('');
    default: {
      const max = LIMITS[kind];
      return max ? cut(clean, max) : clean;
    }
  }
}

export function fitSubscribeData(data: Record<string, string>): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { value: fitSubscribeValue(k, v) }]));
}
