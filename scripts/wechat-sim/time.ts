const CST_OFFSET_MS = 8 * 3600_000;

function cstParts(date: Date): { day: string; clock: string } {
  const iso = new Date(date.getTime() + CST_OFFSET_MS).toISOString();
  return { day: iso.slice(0, 10), clock: iso.slice(11, 19) };
}

/** RFC 3339 in China Standard Time, the form WeChat Pay uses: 2026-11-28T15:01:02+08:00 */
export function rfc3339Cst(date: Date): string {
  const { day, clock } = cstParts(date);
  return `${day}T${clock}+08:00`;
}

/** YYYY-MM-DD of the UTC+8 calendar day. */
export function cstDay(date: Date): string {
  return cstParts(date).day;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC+8, as the trade bill prints times. */
export function cstBillTime(date: Date): string {
  const { day, clock } = cstParts(date);
  return `${day} ${clock}`;
}
