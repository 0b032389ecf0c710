import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Reconciliation } from '@gantry/shared';
import { usePaged } from '../../../components/projects/usePaged';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import {
  RECONCILIATION_STATUS_LABELS,
  runReconciliation,
  listReconciliations,
} from '../../../services/finance';
import { formatFen } from '../../../services/invoices';
import { todayInShanghai } from '../../../services/projects';
import '../../../components/projects/projects.css';
import '../../invoices/invoices.css';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function yesterday(): string {
  const d = new Date(`${todayInShanghai()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function ReportCard({ report }: { report: Reconciliation }) {
  const open = () => void platform.navigateTo(`${ROUTES.reconciliation}?id=${encodeURIComponent(report.id)}`);
  const c = report.counts;
  return (
    <View id={`reconciliation-item-${report.date}`} className="project-card" onClick={open}>
      <View className="project-row">
        <Text className="project-name">{report.date}</Text>
        <Text className={`project-tag${report.unresolved > 0 ? ' invoice-overdue' : ' invoice-paid'}`}>
          {report.status === 'completed'
            ? report.unresolved > 0
              ? `${report.unresolved} 项待处理`
              : '已对平'
            : RECONCILIATION_STATUS_LABELS[report.status]}
        </Text>
      </View>
      <Text className="project-meta">
        {report.emptyBill
          ? '当日无交易'
          : `账单 ${c.billLines} 笔 · 匹配 ${c.matched} · 收款 ${formatFen(report.billPaid)} · 退款 ${formatFen(report.billRefunded)}`}
      </Text>
      {report.error && <Text className="error-text">{report.error}</Text>}
    </View>
  );
}

/** Daily reports, newest first; finance can (re-)run any day now (the job runs after 10:00 for yesterday). */
export default function ReconciliationsPage() {
  const [date, setDate] = useState(yesterday());
  const { busy, error, run } = useSubmit();
  const list = usePaged((cursor) => listReconciliations(cursor));
  useEffect(() => {
    void list.reload();
  }, []);

  const runDay = () => {
    if (!DATE.test(date.trim())) return platform.toast('日期格式为 2026-11-28');
    void run(async () => {
      const report = await runReconciliation(date.trim());
      platform.toast('对账完成', 'success');
      await platform.navigateTo(`${ROUTES.reconciliation}?id=${encodeURIComponent(report.id)}`);
      void list.reload();
    });
  };

  return (
    <View className="page reconciliations-page">
      <Text className="page-title">对账报告</Text>
      <View className="project-card">
        <Text className="form-label">对账日期（微信支付账单日）</Text>
        <View id="reconcile-date" className="form-field">
          <Input placeholder="YYYY-MM-DD" value={date} onChange={setDate} maxLength={10} />
        </View>
        <View className="choice-row">
          <View id="reconcile-today" className="choice" onClick={() => setDate(todayInShanghai())}>
            今天
          </View>
          <View id="reconcile-yesterday" className="choice" onClick={() => setDate(yesterday())}>
            昨天
          </View>
        </View>
        <View className="actions">
          <Button id="reconcile-run" block type="primary" loading={busy} onClick={runDay}>
            立即对账
          </Button>
        </View>
        <ErrorText id="reconcile-error" message={error} />
      </View>
      {list.loaded && list.items.length === 0 && <Text className="project-empty">暂无对账报告</Text>}
      {list.items.map((r) => (
        <ReportCard key={r.id} report={r} />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="reconciliations-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
