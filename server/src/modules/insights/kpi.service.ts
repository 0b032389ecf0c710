import {
  PROJECT_TYPE_LABELS,
  type InsightsGroupBy,
  type KpiMetric,
  type KpiRecordPage,
  type KpiRecordsQuery,
  type KpiReport,
  type KpisQuery,
  type ProjectType,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { ValidationError } from '../../core/errors';
import { STATS_DEFINITION } from '../feedback/response-clock.stats';
import {
  collectEntries,
  figuresOf,
  filterEntries,
  funnelOf,
  groupKeyOf,
  trendsOf,
  type Entries,
  type Entry,
  type KpiData,
  type Window,
} from './kpi.compute';
import { loadKpiData, type KpiSources } from './kpi.data';
import { insightsScope, scopeLabel } from './insights.scope';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 90;

export const KPI_DEFINITIONS: Record<string, string> = {
  responseTime: STATS_DEFINITION,
  repeatCustomers:
    'Customers with an active contract signed in [from, to) (count); repeat = those for whom a contract signed in the window was their second or later active contract; rate = repeat / count.',
  projectDuration:
    'Projects whose actual end falls in [from, to) (count); days over = actual end day (Asia/Shanghai) − planned end day (moved by approved changes); avgDaysOver = mean of max(0, days over); on time = days over ≤ 0.',
  satisfaction:
    'Overall stars (1–5) of milestone and project ratings given in [from, to); average of all of them; trend per month.',
  receivables:
    'Open invoices (issued, partially paid, overdue) issued before asOf = to, with their open amount now (amount − paid + refunded, fen; the ledger keeps no history), aged by days past due as of that day like GET /receivables?asOf (0–30 includes the due day); overdue = at least 1 day past due.',
  funnel: 'Opportunities created in [from, to), by their current stage, with their expected amounts (fen).',
  groups:
    'owner: the customer’s current owner; team: that owner’s manager (managerId), the owner themself when they have none; projectType: the type of the record’s project (none = no project).',
};

/** The KPI report and the records behind each figure. */
export class KpiService {
  constructor(private readonly deps: KpiSources & { clock?: () => Date }) {}

  private now(): Date {
    return this.deps.clock ? this.deps.clock() : new Date();
  }

  window(q: { from?: string; to?: string }): Window {
    const now = this.now();
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
    return { from, to, now };
  }

  async report(actor: Actor, query: KpisQuery): Promise<KpiReport> {
    const scope = await insightsScope(actor, this.deps.staffUsers);
    const w = this.window(query);
    const data = await loadKpiData(this.deps, w, scope);
    const entries = collectEntries(data, w);
    const base = { from: w.from.toISOString(), to: w.to.toISOString(), groupBy: query.groupBy };
    const groupBy = query.groupBy;
    const groups = groupBy
      ? groupsOf(data, entries, groupBy).map(([key, rows]) => ({
          key,
          label: groupLabel(data, groupBy, key),
          ...figuresOf(rows, w.to, linker({ ...base, group: key })),
        }))
      : [];
    return {
      from: base.from,
      to: base.to,
      groupBy: groupBy ?? null,
      scope: scopeLabel(scope),
      generatedAt: w.now.toISOString(),
      definitions: KPI_DEFINITIONS,
      overall: figuresOf(entries, w.to, linker(base)),
      trends: trendsOf(entries),
      funnel: funnelOf(entries, linker(base)),
      groups,
    };
  }

  /** The records behind one figure (same filters as its link), paged by position. */
  async records(actor: Actor, q: KpiRecordsQuery): Promise<KpiRecordPage> {
    if (q.group && !q.groupBy)
      throw new ValidationError([{ path: 'query.group', message: '按组查看须同时指定 groupBy' }]);
    const scope = await insightsScope(actor, this.deps.staffUsers);
    const w = this.window(q);
    const data = await loadKpiData(this.deps, w, scope);
    let rows = pick(collectEntries(data, w), q.metric);
    if (q.groupBy && q.group) rows = rows.filter((x) => groupKeyOf(data, q.groupBy!, x) === q.group);
    if (q.bucket) rows = rows.filter((x) => x.bucket === q.bucket);
    const start = q.cursor ? Number.parseInt(q.cursor, 10) : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new ValidationError([{ path: 'query.cursor', message: '无效的分页游标' }]);
    const page = rows.slice(start, start + q.limit);
    return {
      total: rows.length,
      items: page.map(toRecord),
      nextCursor: start + q.limit < rows.length ? String(start + q.limit) : null,
    };
  }
}

function pick(e: Entries, metric: KpiMetric): Entry[] {
  if (metric === 'overdue') return e.receivables.filter((x) => x.flag);
  return e[metric];
}

const RECORD_PATHS: Record<Entry['kind'], string> = {
  response_clock: '/api/v1/projects/{projectId}',
  contract: '/api/v1/contracts/{id}',
  project: '/api/v1/projects/{id}',
  rating: '/api/v1/projects/{projectId}/rating',
  invoice: '/api/v1/invoices/{id}',
  opportunity: '/api/v1/opportunities/{id}',
};

function toRecord(x: Entry) {
  const link =
    x.kind === 'response_clock' && !x.projectId
      ? `/api/v1/customers/${x.customerId}`
      : RECORD_PATHS[x.kind].replace('{id}', x.id).replace('{projectId}', x.projectId ?? '');
  return {
    kind: x.kind,
    id: x.id,
    customerId: x.customerId,
    value: x.value,
    at: x.at ? x.at.toISOString() : null,
    link,
  };
}

function linker(base: { from: string; to: string; groupBy?: InsightsGroupBy; group?: string }) {
  return (metric: KpiMetric, bucket?: string) => {
    const params = new URLSearchParams({ metric, from: base.from, to: base.to });
    if (base.groupBy && base.group !== undefined) {
      params.set('groupBy', base.groupBy);
      params.set('group', base.group);
    }
    if (bucket) params.set('bucket', bucket);
    return `/api/v1/insights/records?${params.toString()}`;
  };
}

function groupsOf(data: KpiData, e: Entries, groupBy: InsightsGroupBy): Array<[string, Entries]> {
  const groups = new Map<string, Entries>();
  for (const [metric, rows] of Object.entries(e) as Array<[keyof Entries, Entry[]]>) {
    for (const x of rows) {
      const key = groupKeyOf(data, groupBy, x);
      let g = groups.get(key);
      if (!g) {
        g = filterEntries(e, () => false);
        groups.set(key, g);
      }
      g[metric].push(x);
    }
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

function groupLabel(data: KpiData, groupBy: InsightsGroupBy, key: string): string {
  if (groupBy === 'projectType') return PROJECT_TYPE_LABELS[key as ProjectType] ?? '无项目';
  if (key === 'unassigned') return '公海（无负责人）';
  const name = data.staff.get(key)?.name ?? key;
  return groupBy === 'team' ? `${name}团队` : name;
}
