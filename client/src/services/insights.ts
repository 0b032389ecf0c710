import type {
  AgingKey,
  AnomalyFlag,
  AnomalyPage,
  AnomalyStatus,
  AnomalySubject,
  ChurnPage,
  InsightsGroupBy,
  KpiFigures,
  KpiRecord,
  KpiRecordPage,
  KpiReport,
  KpisQuery,
} from '@gantry/shared';
import { platform } from '../platform';
import { getToken } from '../store/session';
import { ApiError } from './api-error';
import { API_BASE, http } from './http';

/* Labels repeated from shared/src/insights.ts, whose runtime exports pull zod into the bundle. */
export const GROUP_BY_LABELS: Record<InsightsGroupBy, string> = {
  owner: '按负责人',
  team: '按团队',
  projectType: '按项目类型',
};
export const GROUP_BY_OPTIONS: InsightsGroupBy[] = ['owner', 'team', 'projectType'];
export const AGING_ORDER: AgingKey[] = ['current', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'];

export type PeriodKey = '30d' | '90d' | '12m' | 'ytd';
export const PERIODS: Array<{ key: PeriodKey; label: string }> = [
  { key: '30d', label: '近 30 天' },
  { key: '90d', label: '近 90 天' },
  { key: '12m', label: '近 12 个月' },
  { key: 'ytd', label: '今年' },
];

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** [from, to) of a period ending now; "今年" starts on 1 January in Asia/Shanghai. */
export function periodRange(key: PeriodKey, now = new Date()): { from: string; to: string } {
  const to = now.getTime();
  let from: number;
  if (key === 'ytd') {
    const year = new Date(to + SHANGHAI_OFFSET_MS).getUTCFullYear();
    from = Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS;
  } else {
    from = to - (key === '30d' ? 30 : key === '90d' ? 90 : 365) * DAY_MS;
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The window of the same length just before `range`: what a tile's trend compares with. */
export function previousRange(range: { from: string; to: string }): { from: string; to: string } {
  const from = Date.parse(range.from);
  const length = Date.parse(range.to) - from;
  return { from: new Date(from - length).toISOString(), to: range.from };
}

export function getKpis(query: KpisQuery, options: { toast?: boolean } = {}): Promise<KpiReport> {
  return http.get<KpiReport>('/insights/kpis', { query: { ...query }, toast: options.toast });
}

export type InsightsExport = 'kpis' | 'receivables-aging' | 'churn';
const EXPORT_NAMES: Record<InsightsExport, string> = {
  kpis: '经营指标.xlsx',
  'receivables-aging': '应收账龄.xlsx',
  churn: '流失风险.xlsx',
};

function queryString(query: Record<string, string | undefined>): string {
  // By hand: the mini-program has no URLSearchParams.
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** Downloads an .xlsx export of the same filters and opens (WeChat) or saves (browser) it. */
/** The filters of an export: the KPI query, or the churn list's. */
export type ExportQuery = KpisQuery | { flagged?: 'true' };

export async function openExport(kind: InsightsExport, query: ExportQuery): Promise<void> {
  const token = getToken();
  const status = await platform.openFile({
    url: `${API_BASE}/insights/${kind}.xlsx${queryString({ ...query })}`,
    header: token ? { Authorization: `Bearer ${token}` } : {},
    fileName: EXPORT_NAMES[kind],
    fileType: 'xlsx',
  });
  if (status < 200 || status >= 300) throw new ApiError(status, 'BAD_RESPONSE', `导出失败（${status}）`);
}

/** The records behind a figure: `query` is the query string of the figure's `link`. */
export function listKpiRecords(query: string, cursor?: string): Promise<KpiRecordPage> {
  return http.get<KpiRecordPage>('/insights/records', { query: { ...parseQuery(query), limit: 50, cursor } });
}

/** `a=1&b=2` as an object (the mini-program has no URLSearchParams). */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const [k, v = ''] = pair.split('=');
    if (k) out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '));
  }
  return out;
}

/** The query string of a figure's `link` (an API path with filters). */
export const linkQuery = (link: string) => link.slice(link.indexOf('?') + 1);

export const RECORD_KIND_LABELS: Record<KpiRecord['kind'], string> = {
  response_clock: '客户诉求',
  contract: '合同',
  project: '项目',
  rating: '评价',
  invoice: '账单',
  opportunity: '商机',
};

/** How the record's own figure reads, by kind. */
export function recordValue(r: KpiRecord): string {
  if (r.value === null) return r.kind === 'response_clock' ? '未响应' : '—';
  switch (r.kind) {
    case 'response_clock':
      return formatHours(r.value);
    case 'project':
      return `超期 ${formatDays(r.value)}`;
    case 'rating':
      return `${r.value} 星`;
    case 'invoice':
    case 'opportunity':
      return formatFen(r.value);
    default:
      return String(r.value);
  }
}

export function listChurn(query: { cursor?: string; flagged?: 'true' } = {}): Promise<ChurnPage> {
  return http.get<ChurnPage>('/insights/churn', { query: { limit: 20, ...query } });
}

export function listAnomalies(query: { cursor?: string; status?: AnomalyStatus } = {}): Promise<AnomalyPage> {
  return http.get<AnomalyPage>('/insights/anomalies', { query: { limit: 20, ...query } });
}

export function resolveAnomaly(id: string, note: string): Promise<AnomalyFlag> {
  return http.post<AnomalyFlag>(
    `/insights/anomalies/${encodeURIComponent(id)}/resolve`,
    { note },
    { toast: false },
  );
}

export const ANOMALY_SUBJECT_LABELS: Record<AnomalySubject, string> = {
  invoice: '账单',
  payment: '收款',
  refund: '退款',
  change_request: '变更',
};

// ---------------------------------------------------------------------------------------------
// How figures read

export const formatHours = (seconds: number | null) =>
  seconds === null ? '—' : `${(Math.round((seconds / 3600) * 10) / 10).toFixed(1)} 小时`;
export const formatShare = (share: number | null) =>
  share === null ? '—' : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
export const formatStars = (stars: number | null) => (stars === null ? '—' : `${stars.toFixed(2)} 分`);
export const formatDays = (days: number | null) => (days === null ? '—' : `${days.toFixed(1)} 天`);

/** Integer fen as ¥1,234.56. */
export function formatFen(fen: number): string {
  const yuan = fen / 100;
  return `¥${yuan.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export type TileKey = 'responseTime' | 'repeatCustomers' | 'projectDuration' | 'satisfaction' | 'overdue';

/** The headline number of each tile; lower is better for response time, days over and overdue money. */
export const TILE_VALUE: Record<TileKey, (f: KpiFigures) => number | null> = {
  responseTime: (f) => f.responseTime.medianSeconds,
  repeatCustomers: (f) => f.repeatCustomers.rate,
  projectDuration: (f) => f.projectDuration.avgDaysOver,
  satisfaction: (f) => f.satisfaction.average,
  overdue: (f) => f.receivables.overdueAmount,
};
export const LOWER_IS_BETTER: Record<TileKey, boolean> = {
  responseTime: true,
  repeatCustomers: false,
  projectDuration: true,
  satisfaction: false,
  overdue: true,
};
