import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { RefundStatus } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { REFUND_STATUS_LABELS, listRefunds } from '../../../services/payments';
import { RefundCard } from '../RefundCard';
import '../../../components/projects/projects.css';
import '../../invoices/invoices.css';

type Filter = RefundStatus | 'all';
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  ...(['pending_approval', 'processing', 'succeeded', 'failed'] as const).map((s) => ({
    value: s,
    label: REFUND_STATUS_LABELS[s],
  })),
  { value: 'all', label: '全部' },
];

/** Refunds, those waiting for a second approver first; approve or reject them here. */
export default function RefundsPage() {
  const [filter, setFilter] = useState<Filter>('pending_approval');
  const list = usePaged((cursor) => listRefunds({ cursor, status: filter === 'all' ? undefined : filter }));
  useEffect(() => {
    void list.reload();
  }, [filter]);
  return (
    <View className="page refunds-page">
      <Text className="page-title">退款审批</Text>
      <Choices idPrefix="refund-filter" options={FILTERS} value={filter} onChange={setFilter} />
      {list.loaded && list.items.length === 0 && (
        <Text id="refunds-empty" className="project-empty">
          暂无退款
        </Text>
      )}
      {list.items.map((r) => (
        <RefundCard
          key={r.id}
          refund={r}
          onChange={(updated) =>
            list.setItems((items) => items.map((i) => (i.id === updated.id ? updated : i)))
          }
        />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="refunds-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
