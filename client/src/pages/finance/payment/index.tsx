import { useCallback, useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Payment, Refund } from '@gantry/shared';
import { messageOf } from '../../../components/ui/errors';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { formatFen } from '../../../services/invoices';
import { PAYMENT_STATUS_LABELS, getPayment, listRefunds } from '../../../services/payments';
import { formatDateTime } from '../../../services/projects';
import { RefundCard } from '../RefundCard';
import { RefundForm } from './RefundForm';
import '../../../components/projects/projects.css';
import '../../invoices/invoices.css';

/** Finance: one payment, its refunds (with approvals) and a refund request. */
export default function FinancePaymentPage() {
  const id = useRouter().params.id ?? '';
  const [payment, setPayment] = useState<Payment | null>(null);
  const [refunds, setRefunds] = useState<Refund[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([getPayment(id), listRefunds({ paymentId: id })]).then(
      ([p, r]) => {
        setPayment(p);
        setRefunds(r.items);
      },
      (caught: unknown) => setError(messageOf(caught)),
    );
  }, [id]);
  useEffect(load, [load]);

  if (!payment) return <Text className="hint">{error ?? '加载中…'}</Text>;
  return (
    <View className="page finance-payment-page">
      <View id="payment-summary" className="project-card">
        <View className="project-row">
          <Text className="project-name">{formatFen(payment.amount)}</Text>
          <Text id="payment-status" className={`project-tag payment-${payment.status}`}>
            {PAYMENT_STATUS_LABELS[payment.status]}
          </Text>
        </View>
        <Text className="project-meta">商户订单号 {payment.outTradeNo}</Text>
        <Text className="project-meta">微信支付单号 {payment.transactionId ?? '—'}</Text>
        <Text className="project-meta">付款时间 {payment.paidAt ? formatDateTime(payment.paidAt) : '—'}</Text>
        <Text className="project-meta">已退款 {formatFen(payment.refundedAmount)}</Text>
        <Text
          id="payment-invoice-link"
          className="link"
          onClick={() =>
            void platform.navigateTo(`${ROUTES.invoiceDetail}?id=${encodeURIComponent(payment.invoiceId)}`)
          }
        >
          查看账单 ›
        </Text>
      </View>
      {refunds.length > 0 && <Text className="project-section-title">退款</Text>}
      {refunds.map((r) => (
        <RefundCard key={r.id} refund={r} onChange={load} />
      ))}
      {payment.status === 'paid' && payment.refundedAmount < payment.amount && (
        <RefundForm payment={payment} onDone={load} />
      )}
    </View>
  );
}
