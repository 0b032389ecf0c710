import { useEffect } from 'react';
import { Text, View } from '@tarojs/components';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { listPayments } from '../../../services/payments';
import { PaymentRow } from '../detail/InvoicePayments';
import '../../../components/projects/projects.css';
import '../invoices.css';

/** The customer's payment history, newest first; a paid one opens its receipt. */
export default function PaymentHistoryPage() {
  const list = usePaged((cursor) => listPayments({ cursor }));
  useEffect(() => {
    void list.reload();
  }, []);
  return (
    <View className="page payment-history-page">
      <Text className="page-title">付款记录</Text>
      {list.loaded && list.items.length === 0 && (
        <Text id="payments-empty" className="project-empty">
          暂无付款记录
        </Text>
      )}
      {list.items.map((p) => (
        <PaymentRow key={p.id} payment={p} staff={false} />
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
