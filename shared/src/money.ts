/**
 * Money helpers. Amounts are integer fen everywhere; WeChat's trade bill prints yuan ("1234.50"),
 * which is converted here by string arithmetic so that no floating-point rounding can creep in
 * (0.29 * 100 is 28.999999999999996 in binary floating point).
 */
const YUAN = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/;

/** "1234.50" → 123450, "-0.05" → -5, "12" → 1200. Throws on anything that is not a plain yuan amount. */
export function yuanToFen(text: string): number {
  const match = YUAN.exec(text.trim());
  if (!match) throw new Error(`不是有效的金额：${text}`);
  const [, sign, whole, frac = ''] = match;
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) throw new Error(`金额超出范围：${text}`);
  return sign === '-' && fen !== 0 ? -fen : fen;
}

/** 123450 → "1234.50", -5 → "-0.05" (integer arithmetic only). */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`金额必须是整数（分）：${fen}`);
  const abs = Math.abs(fen);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return fen < 0 ? `-${text}` : text;
}
