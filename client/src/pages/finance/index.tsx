import { useMemo, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Receivables } from '@gantry/shared';
import { Chart, barOption } from '../../components/charts';
import { Cell, CellGroup } from '../../components/ui';
import { messageOf } from '../../components/ui/errors';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { AGING_BUCKETS, AGING_BUCKET_LABELS, formatFen, getReceivables } from '../../services/invoices';
import '../../components/projects/projects.css';
import '../invoices/invoices.css';

const LINKS = [
  { id: 'finance-invoices', title: '全部账单', url: ROUTES.invoices },
  { id: 'finance-overdue', title: '逾期未付', url: `${ROUTES.invoices}?overdue=true` },
  { id: 'finance-payments', title: '收款记录', url: ROUTES.financePayments },
  { id: 'finance-refunds', title: '退款审批', url: ROUTES.refunds },
  { id: 'finance-reconciliations', title: '对账报告', url: ROUTES.reconciliations },
];

function AgingChart({ receivables }: { receivables: Receivables }) {
  const option = useMemo(
    () =>
      barOption({
        categories: AGING_BUCKETS.map((b) => AGING_BUCKET_LABELS[b]),
        // In yuan for the axis; the exact fen figures are listed under the chart.
        series: [{ name: '应收', data: AGING_BUCKETS.map((b) => receivables.totals[b] / 100) }],
        format: (v) => `¥${Math.round(v).toLocaleString('zh-CN')}`,
      }),
    [receivables],
  );
  return <Chart id="aging-chart" option={option} height={420} />;
}

/** Finance home: open receivables by age (not yet due, 0–30 … 90+ days past due) and per customer. */
export default function ReceivablesPage() {
  const [data, setData] = useState<Receivables | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDidShow(() => {
    getReceivables().then(setData, (caught: unknown) => setError(messageOf(caught)));
  });

  return (
    <View className="page finance-page">
      <Text className="page-title">应收账款</Text>
      <CellGroup>
        {LINKS.map((l) => (
          <View key={l.id} id={l.id} onClick={() => void platform.navigateTo(l.url)}>
            <Cell clickable title={l.title} />
          </View>
        ))}
      </CellGroup>
      {!data && <Text className="hint">{error ?? '加载中…'}</Text>}
      {data && (
        <View id="receivables" className="project-card">
          <View className="project-row">
            <Text className="project-name">账龄分析</Text>
            <Text className="project-meta">截至 {data.asOf}</Text>
          </View>
          <AgingChart receivables={data} />
          {AGING_BUCKETS.map((b) => (
            <View key={b} className="money-row">
              <Text className="money-label">{AGING_BUCKET_LABELS[b]}</Text>
              <Text id={`aging-${b}`}>{formatFen(data.totals[b])}</Text>
            </View>
          ))}
          <View className="money-row">
            <Text className="money-label">合计</Text>
            <Text id="aging-total">{formatFen(data.totals.total)}</Text>
          </View>
        </View>
      )}
      {data && <Text className="project-section-title">按客户</Text>}
      {data?.customers.map((c) => (
        <View
          key={c.customerId}
          id={`receivable-${c.customerId}`}
          className="project-card"
          onClick={() =>
            void platform.navigateTo(`${ROUTES.invoices}?customerId=${encodeURIComponent(c.customerId)}`)
          }
        >
          <View className="project-row">
            <Text className="project-name">{c.customerName ?? '未知客户'}</Text>
            <Text>{formatFen(c.total)}</Text>
          </View>
          <Text className="project-meta">
            {c.invoiceCount} 张账单 · 逾期 {formatFen(c.d0_30 + c.d31_60 + c.d61_90 + c.d90_plus)}
            {c.d90_plus > 0 ? ` · 90 天以上 ${formatFen(c.d90_plus)}` : ''}
          </Text>
        </View>
      ))}
    </View>
  );
}
