import type { EventPayload } from '../../core/events';
import { formatAmountFen } from '../../integrations/wechat/subscribe-fields';

const shanghai = (iso: string, withTime: boolean) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
  })
    .format(new Date(iso))
    .replace(/\//g, '-');

const FILTERS: Record<string, (v: string) => string> = {
  yuan: (v) => formatAmountFen(Number(v)),
  date: (v) => shanghai(v, false),
  datetime: (v) => shanghai(v, true),
};

/**
 * Fills `{field}` and `{field|filter}` (yuan: fen → ¥1234.50; date / datetime: ISO → Asia/Shanghai)
 * from an event payload. A missing field renders as empty, never as "undefined".
 */
export function renderTemplate(text: string, payload: EventPayload): string {
  return text.replace(/\{(\w+)(?:\|(\w+))?\}/g, (_m, field: string, filter?: string) => {
    const raw = payload[field];
    if (raw === undefined || raw === null) return '';
    const value = Array.isArray(raw) ? raw.join('、') : String(raw);
    const fn = filter ? FILTERS[filter] : undefined;
    try {
      return fn ? fn(value) : value;
    } catch {
      return value;
    }
  });
}

export function renderRecord(record: Record<string, string>, payload: EventPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, renderTemplate(v, payload)]));
}
