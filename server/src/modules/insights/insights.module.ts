import type { Connection } from 'mongoose';
import type { AuditLog } from '../../core/audit';
import type { EventBus } from '../../core/events';
import type { AnyRoute } from '../../core/http/route';
import type { Logger } from '../../core/logger';
import type { ChatMessageModel } from '../feedback/chat.model';
import type { ComplaintModel } from '../feedback/complaint.model';
import type { CustomerService } from '../crm/customer.service';
import type { AnomalySources } from './anomaly.data';
import { anomalyFlagModel } from './anomaly.model';
import { AnomalyService } from './anomaly.service';
import { churnModels } from './churn.model';
import { ChurnService } from './churn.service';
import { healthReportModel } from './health.model';
import { HealthReportService } from './health.service';
import type { InsightsConfig } from './insights.config';
import { insightsRoutes } from './insights.routes';
import type { KpiSources } from './kpi.data';
import { kpiRoutes } from './kpi.routes';
import { KpiService } from './kpi.service';

/** The insights module's own collections (everything else it reads read-only). */
export function insightsModels(conn: Connection) {
  return {
    ...churnModels(conn),
    healthReports: healthReportModel(conn),
    anomalyFlags: anomalyFlagModel(conn),
  };
}

/**
 * Insights: KPIs, weekly customer-health reports, churn risk and anomaly flags. Anomalies are also
 * checked as invoices are issued, payments and refunds happen and changes are quoted.
 */
export function createInsightsModule(
  d: KpiSources &
    AnomalySources &
    ReturnType<typeof insightsModels> & {
      complaints: ComplaintModel;
      chatMessages: ChatMessageModel;
      customerService: Pick<CustomerService, 'get'>;
      audit: AuditLog;
      events: EventBus;
      logger: Logger;
      config: InsightsConfig;
    },
) {
  const kpis = new KpiService(d);
  const health = new HealthReportService({ ...d, config: d.config.health });
  const churn = new ChurnService({ ...d, config: d.config.churn });
  const anomalies = new AnomalyService({ ...d, config: d.config.anomaly });
  d.events.subscribe('invoice.issued', anomalies.onEvent('invoice', 'invoiceId'));
  d.events.subscribe('payment.succeeded', anomalies.onEvent('payment', 'paymentId'));
  d.events.subscribe('refund.requested', anomalies.onEvent('refund', 'refundId'));
  d.events.subscribe('change_request.quoted', anomalies.onEvent('change_request', 'changeRequestId'));
  const routes: AnyRoute[] = [...kpiRoutes(kpis), ...insightsRoutes({ health, churn, anomalies })];
  return { services: { kpis, healthReports: health, churn, anomalies }, routes };
}
