import { useCallback, useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ReconciliationDetail } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import {
  DISCREPANCY_KIND_LABELS,
  RECONCILIATION_STATUS_LABELS,
  getReconciliation,
} from '../../../services/finance';
import { formatFen } from '../../../services/invoices';
import { formatDateTime } from '../../../services/projects';
import { DiscrepancyCard } from './DiscrepancyCard';
import '../../../components/projects/projects.css';
import '../../invoices/invoices.css';

const KINDS = ['missing_ours', 'missing_bill', 'amount_mismatch', 'status_mismatch'] as const;

function Count({ id, label, value }: { id: string; label: string; value: string | number }) {
  return (
    <View className="money-row">
      <Text className="money-label">{label}</Text>
      <Text id={id}>{value}</Text>
    </View>
  );
}

/** One day's report: what matched, and every discrepancy with its resolution. */
export default function ReconciliationPage() {
  const id = useRouter().params.id ?? '';
  const [report, setReport] = useState<ReconciliationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    getReconciliation(id).then(setReport, (caught: unknown) => setError(messageOf(caught)));
  }, [id]);
  useEffect(load, [load]);

  const loadMore = () => {
    if (!report?.nextCursor) return;
    getReconciliation(id, { cursor: report.nextCursor }).then(
      (next) => setReport({ ...next, discrepancies: [...report.discrepancies, ...next.discrepancies] }),
      () => undefined,
    );
  };

  if (!report) return <Text className="hint">{error ?? '加载中…'}</Text>;
  const c = report.counts;
  return (
    <View className="page reconciliation-page">
      <Text className="page-title">对账 {report.date}</Text>
      <View id="reconciliation-summary" className="project-card">
        <Count id="reconciliation-status" label="状态" value={RECONCILIATION_STATUS_LABELS[report.status]} />
        <Count id="reconciliation-bill-lines" label="账单交易笔数" value={c.billLines} />
        <Count id="reconciliation-matched" label="已匹配" value={c.matched} />
        {KINDS.map((k) => (
          <Count key={k} id={`reconciliation-${k}`} label={DISCREPANCY_KIND_LABELS[k]} value={c[k]} />
        ))}
        <Count id="reconciliation-unresolved" label="待处理" value={report.unresolved} />
        <Count id="reconciliation-paid" label="账单收款" value={formatFen(report.billPaid)} />
        <Count id="reconciliation-refunded" label="账单退款" value={formatFen(report.billRefunded)} />
        <Text className="project-meta">
          {report.emptyBill ? '当日无交易 · ' : ''}第 {report.runs} 次运行
          {report.finishedAt ? ` · 完成于 ${formatDateTime(report.finishedAt)}` : ''}
        </Text>
        {report.error && <Text className="error-text">{report.error}</Text>}
      </View>
      <Text className="project-section-title">差异（{report.discrepancies.length}）</Text>
      {report.discrepancies.length === 0 && (
        <Text id="discrepancies-empty" className="project-empty">
          无差异，账单与我方记录一致
        </Text>
      )}
      {report.discrepancies.map((d) => (
        <DiscrepancyCard
          key={d.id}
          reportId={report.id}
          item={d}
          onResolved={(resolved) => {
            setReport({
              ...report,
              unresolved: Math.max(0, report.unresolved - 1),
              discrepancies: report.discrepancies.map((x) => (x.id === resolved.id ? resolved : x)),
            });
          }}
        />
      ))}
      {report.nextCursor && (
        <View className="actions">
          <Button id="discrepancies-more" block onClick={loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
