import { useEffect } from 'react';
import { Text, View } from '@tarojs/components';
import type { Payment } from '@gantry/shared';
import { usePaged } from '../../../components/projects/usePaged';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { formatFen } from '../../../services/invoices';
import { PAYMENT_STATUS_LABELS, listPayments } from '../../../services/payments';
import { formatDateTime } from '../../../services/projects';

/** A payment row: the customer opens its receipt, finance the payment with its refunds. */
export function PaymentRow({ payment, staff }: { payment: Payment; staff: boolean }) {
  const open = () => {
    if (staff) void platform.navigateTo(`${ROUTES.financePayment}?id=${encodeURIComponent(payment.id)}`);
    else if (payment.status === 'paid')
      void platform.navigateTo(`${ROUTES.receipt}?id=${encodeURIComponent(payment.id)}`);
  };
  return (
    <View id={`payment-item-${payment.id}`} className="project-card" onClick={open}>
      <View className="project-row">
        <Text className="project-name">{formatFen(payment.amount)}</Text>
        <Text id={`payment-status-${payment.id}`} className={`project-tag payment-${payment.status}`}>
          {PAYMENT_STATUS_LABELS[payment.status]}
        </Text>
      </View>
      <Text className="project-meta">
        订单号 {payment.outTradeNo}
        {payment.paidAt ? ` · ${formatDateTime(payment.paidAt)}` : ''}
        {payment.refundedAmount > 0 ? ` · 已退 ${formatFen(payment.refundedAmount)}` : ''}
      </Text>
      {!staff && payment.status === 'paid' && <Text className="hint">查看收据 ›</Text>}
    </View>
  );
}

/** The payments made against one invoice. `version` reloads the list (after a payment settled). */
export function InvoicePayments({
  invoiceId,
  staff,
  version,
}: {
  invoiceId: string;
  staff: boolean;
  version: number;
}) {
  const list = usePaged((cursor) => listPayments({ cursor, invoiceId }));
  useEffect(() => {
    void list.reload();
  }, [invoiceId, version]);
  if (!list.loaded || list.items.length === 0) return null;
  return (
    <View id="invoice-payments">
      <Text className="project-section-title">付款记录</Text>
      {list.items.map((p) => (
        <PaymentRow key={p.id} payment={p} staff={staff} />
      ))}
    </View>
  );
}
