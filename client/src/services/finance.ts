import type {
  Discrepancy,
  DiscrepancyKind,
  Page,
  Reconciliation,
  ReconciliationDetail,
} from '@gantry/shared';
import { http } from './http';

/* Labels repeated from shared/src/reconciliation.ts, which pulls zod into the bundle. */
export const DISCREPANCY_KIND_LABELS: Record<DiscrepancyKind, string> = {
  missing_ours: '我方无记录',
  missing_bill: '账单无记录',
  amount_mismatch: '金额不一致',
  status_mismatch: '状态不一致',
};

export const RECONCILIATION_STATUS_LABELS: Record<Reconciliation['status'], string> = {
  running: '对账中',
  completed: '已完成',
  failed: '失败',
};

const enc = encodeURIComponent;

export function listReconciliations(cursor?: string): Promise<Page<Reconciliation>> {
  return http.get<Page<Reconciliation>>('/reconciliations', { query: { cursor, limit: 20 } });
}

/** Reconciles one bill day now; re-running a day updates its report in place. */
export function runReconciliation(date: string): Promise<Reconciliation> {
  return http.post<Reconciliation>('/reconciliations/run', { date }, { toast: false });
}

export function getReconciliation(
  id: string,
  query: { cursor?: string; resolved?: 'true' | 'false' } = {},
): Promise<ReconciliationDetail> {
  return http.get<ReconciliationDetail>(`/reconciliations/${enc(id)}`, { query: { limit: 50, ...query } });
}

export function resolveDiscrepancy(
  reportId: string,
  discrepancyId: string,
  note: string,
): Promise<Discrepancy> {
  return http.post<Discrepancy>(
    `/reconciliations/${enc(reportId)}/discrepancies/${enc(discrepancyId)}/resolve`,
    { note },
    { toast: false },
  );
}
