import { useEffect, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { InvoiceStatus } from '@gantry/shared';
import { Choices } from '../../components/projects/Choices';
import { usePaged } from '../../components/projects/usePaged';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { INVOICE_STATUS_LABELS, listInvoices } from '../../services/invoices';
import { getSessionUser } from '../../store/session';
import { InvoiceCard } from './InvoiceCard';
import '../../components/projects/projects.css';
import './invoices.css';

type Filter = InvoiceStatus | 'all' | 'overdue_open';
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: 'all', label: '全部' },
  ...(['issued', 'partially_paid', 'overdue', 'paid'] as const).map((s) => ({
    value: s,
    label: INVOICE_STATUS_LABELS[s],
  })),
];

/**
 * Invoices the caller may read: a customer's own (what is due and why), or for finance every
 * invoice, optionally of one customer (`?customerId=`, from the receivables) or only overdue ones.
 */
export default function InvoicesPage() {
  const { params } = useRouter();
  const customerId = params.customerId || undefined;
  const [filter, setFilter] = useState<Filter>(params.overdue === 'true' ? 'overdue_open' : 'all');
  const isCustomer = getSessionUser()?.role === 'customer';
  const list = usePaged((cursor) =>
    listInvoices({
      cursor,
      customerId,
      ...(filter === 'overdue_open' ? { overdue: 'true' } : filter === 'all' ? {} : { status: filter }),
    }),
  );
  useEffect(() => {
    void list.reload();
  }, [filter]);
  // Back from paying: the list shows the new status.
  useDidShow(() => {
    if (list.loaded) void list.reload();
  });

  const filters = isCustomer ? FILTERS : [...FILTERS, { value: 'overdue_open' as const, label: '逾期未付' }];
  return (
    <View className="page invoices-page">
      <Text className="page-title">{isCustomer ? '我的账单' : '账单'}</Text>
      {isCustomer && (
        <View className="actions">
          <Button
            id="payment-history-entry"
            block
            onClick={() => void platform.navigateTo(ROUTES.paymentHistory)}
          >
            付款记录与收据
          </Button>
        </View>
      )}
      <Choices idPrefix="invoice-filter" options={filters} value={filter} onChange={setFilter} />
      {list.loaded && list.items.length === 0 && (
        <Text id="invoices-empty" className="project-empty">
          暂无账单
        </Text>
      )}
      {list.items.map((invoice) => (
        <InvoiceCard key={invoice.id} invoice={invoice} showCustomer={!isCustomer} />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="invoices-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
