import { useEffect, useState } from 'react';
import type { InsightsGroupBy, KpiReport } from '@gantry/shared';
import { messageOf } from '../../components/ui/errors';
import { getKpis, periodRange, previousRange, type PeriodKey } from '../../services/insights';

export interface KpiFilters {
  period: PeriodKey;
  groupBy: InsightsGroupBy | null;
}

export interface KpiState {
  query: { from: string; to: string; groupBy?: InsightsGroupBy };
  report: KpiReport | null;
  /** The same figures over the window just before: the tiles' trend arrows. Loaded after the report. */
  previous: KpiReport | null;
  error: string | null;
}

/**
 * The report for the filters, then the previous window's, one after the other: the first paint
 * waits for one request only, and the trend arrows fill in a moment later.
 */
export function useKpis(filters: KpiFilters, reloadKey: number): KpiState {
  const [state, setState] = useState<KpiState>(() => ({
    query: queryOf(filters),
    report: null,
    previous: null,
    error: null,
  }));

  useEffect(() => {
    let live = true;
    const query = queryOf(filters);
    setState((s) => ({ ...s, query, error: null }));
    getKpis(query, { toast: false }).then(
      (report) => {
        if (!live) return;
        setState({ query, report, previous: null, error: null });
        getKpis({ ...query, ...previousRange(query) }, { toast: false }).then(
          (previous) => live && setState((s) => ({ ...s, previous })),
          // Without the previous window the tiles simply show no arrow.
          () => undefined,
        );
      },
      (caught: unknown) => live && setState((s) => ({ ...s, report: null, error: messageOf(caught) })),
    );
    return () => {
      live = false;
    };
  }, [filters.period, filters.groupBy, reloadKey]);

  return state;
}

function queryOf(filters: KpiFilters): KpiState['query'] {
  const range = periodRange(filters.period);
  return filters.groupBy ? { ...range, groupBy: filters.groupBy } : range;
}
