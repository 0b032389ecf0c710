import type { AnyRoute } from '../../core/http/route';
import type { KpiSources } from './kpi.data';
import { kpiRoutes } from './kpi.routes';
import { KpiService } from './kpi.service';

/** Insights: KPIs, weekly customer-health reports, churn risk and anomaly flags (reads other domains read-only). */
export function createInsightsModule(d: KpiSources) {
  const kpis = new KpiService(d);
  const routes: AnyRoute[] = [...kpiRoutes(kpis)];
  return { services: { kpis }, routes };
}
