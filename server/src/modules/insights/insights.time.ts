import { calendarDateOf } from '@gantry/shared';

/** The Monday (Asia/Shanghai) of the week `at` falls in, as YYYY-MM-DD. */
export function isoWeekKey(at: Date): string {
  const local = new Date(`${calendarDateOf(at)}T00:00:00Z`);
  local.setUTCDate(local.getUTCDate() - ((local.getUTCDay() + 6) % 7));
  return local.toISOString().slice(0, 10);
}
