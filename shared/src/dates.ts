import { z } from 'zod';

/**
 * The two shapes a point in time takes at the API: a calendar date (`2027-02-28`, a day in
 * Asia/Shanghai) and an instant (ISO 8601 with an offset). Every request field that carries one
 * uses these schemas, so a day that does not exist is a 400 naming the field instead of an
 * Invalid Date that fails deep in mongoose, and dates far outside the product's life (typos such
 * as `0202-05-01`) are refused before they skew a report.
 */

export const CALENDAR_DATE_MIN = '2000-01-01';
export const CALENDAR_DATE_MAX = '2100-12-31';
const INSTANT_MIN_MS = Date.UTC(2000, 0, 1);
const INSTANT_MAX_MS = Date.UTC(2101, 0, 1);

const CALENDAR_DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` names a day of the Gregorian calendar (`2028-02-29` yes, `2027-02-29` no). */
export function isRealCalendarDate(value: string): boolean {
  const m = CALENDAR_DATE_SHAPE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.UTC rolls 02-30 over to 03-02 instead of failing, so compare the parts it gives back.
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function checkCalendarDate(value: string, ctx: z.RefinementCtx): void {
  if (!CALENDAR_DATE_SHAPE.test(value)) {
    ctx.addIssue({ code: 'custom', message: `日期格式须为 YYYY-MM-DD：${value}` });
  } else if (!isRealCalendarDate(value)) {
    ctx.addIssue({ code: 'custom', message: `日期不存在：${value}` });
  } else if (value < CALENDAR_DATE_MIN || value > CALENDAR_DATE_MAX) {
    // Lexical order is date order for well-formed YYYY-MM-DD.
    ctx.addIssue({
      code: 'custom',
      message: `日期须在 ${CALENDAR_DATE_MIN} 至 ${CALENDAR_DATE_MAX} 之间：${value}`,
    });
  }
}

/** A real calendar day, `YYYY-MM-DD`, between 2000-01-01 and 2100-12-31; meant in Asia/Shanghai. */
export const calendarDateSchema = z
  .string({ error: '请填写日期（YYYY-MM-DD）' })
  .superRefine(checkCalendarDate)
  .meta({ format: 'date', description: 'YYYY-MM-DD, 2000-01-01 – 2100-12-31' });

const INSTANT_SHAPE = z.iso.datetime({ offset: true });

function checkInstant(value: string, ctx: z.RefinementCtx): void {
  // zod's ISO check already refuses impossible days and hours (02-30, 24:00).
  if (!INSTANT_SHAPE.safeParse(value).success) {
    ctx.addIssue({ code: 'custom', message: `时间格式有误，须为带时区的 ISO 8601 时间：${value}` });
    return;
  }
  const ms = Date.parse(value);
  if (!(ms >= INSTANT_MIN_MS && ms < INSTANT_MAX_MS)) {
    ctx.addIssue({ code: 'custom', message: `时间须在 2000 年至 2100 年之间：${value}` });
  }
}

/** An instant, ISO 8601 with `Z` or an offset (`2027-03-01T09:30:00+08:00`), in 2000–2100. */
export const instantSchema = z
  .string({ error: '请填写时间（ISO 8601）' })
  .superRefine(checkInstant)
  .meta({ format: 'date-time', description: 'ISO 8601 with offset, years 2000–2100' });

/** Either a calendar date or an instant (range filters that accept both). */
export const dateOrInstantSchema = z
  .string({ error: '请填写日期或时间' })
  .superRefine((value, ctx) =>
    CALENDAR_DATE_SHAPE.test(value) ? checkCalendarDate(value, ctx) : checkInstant(value, ctx),
  )
  .meta({ format: 'date', description: 'YYYY-MM-DD or ISO 8601 with offset, 2000–2100' });

/**
 * The Date a calendar date is stored as: midnight UTC of that day, so the stored value reads back
 * as the same `YYYY-MM-DD` whatever the server's zone. Throws on a string the schema would refuse,
 * so a caller that skipped validation fails loudly instead of storing Invalid Date.
 */
export function dateOfCalendarDate(value: string): Date {
  if (!isRealCalendarDate(value)) throw new RangeError(`not a calendar date: ${value}`);
  return new Date(`${value}T00:00:00Z`);
}

/** The instant Asia/Shanghai's day `value` begins (`2027-03-01` → 2027-02-28T16:00:00Z). */
export function shanghaiStartOfDay(value: string): Date {
  if (!isRealCalendarDate(value)) throw new RangeError(`not a calendar date: ${value}`);
  return new Date(`${value}T00:00:00+08:00`);
}

/** The instant Asia/Shanghai's day `value` ends (exclusive): the start of the next day. */
export function shanghaiEndOfDay(value: string): Date {
  return new Date(shanghaiStartOfDay(value).getTime() + 86_400_000);
}
