import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { PaymentStatus } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { PAYMENT_STATUS_LABELS, listPayments } from '../../../services/payments';
import { PaymentRow } from '../../invoices/detail/InvoicePayments';
import '../../../components/projects/projects.css';
import '../../invoices/invoices.css';

type Filter = PaymentStatus | 'all';
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: 'all', label: '全部' },
  ...(['paid', 'created', 'closed', 'failed'] as const).map((s) => ({
    value: s,
    label: PAYMENT_STATUS_LABELS[s],
  })),
];

/** Every WeChat Pay payment, newest first; one opens with its refunds. */
export default function FinancePaymentsPage() {
  const [filter, setFilter] = useState<Filter>('paid');
  const list = usePaged((cursor) => listPayments({ cursor, status: filter === 'all' ? undefined : filter }));
  useEffect(() => {
    void list.reload();
  }, [filter]);
  return (
    <View className="page finance-payments-page">
      <Text className="page-title">收款记录</Text>
      <Choices idPrefix="payment-filter" options={FILTERS} value={filter} onChange={setFilter} />
      {list.loaded && list.items.length === 0 && <Text className="project-empty">暂无付款</Text>}
      {list.items.map((p) => (
        <PaymentRow key={p.id} payment={p} staff />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="payments-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
