import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Invoice, Payment } from '@gantry/shared';
import { messageOf } from '../../../components/ui/errors';
import { formatFen, getInvoice } from '../../../services/invoices';
import { PAYMENT_STATUS_LABELS, getPayment } from '../../../services/payments';
import { formatDateTime } from '../../../services/projects';
import '../../../components/projects/projects.css';
import '../invoices.css';

function Line({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <View className="money-row">
      <Text className="money-label">{label}</Text>
      <Text id={id}>{value}</Text>
    </View>
  );
}

/** The receipt of one settled payment, from our own records (WeChat's transaction id included). */
export default function ReceiptPage() {
  const id = useRouter().params.id ?? '';
  const [data, setData] = useState<{ payment: Payment; invoice: Invoice } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getPayment(id)
      .then(async (payment) => setData({ payment, invoice: await getInvoice(payment.invoiceId) }))
      .catch((caught: unknown) => setError(messageOf(caught)));
  }, [id]);

  if (!data) return <Text className="hint">{error ?? '加载中…'}</Text>;
  const { payment, invoice } = data;
  return (
    <View className="page receipt-page">
      <View id="receipt" className="receipt">
        <Text className="receipt-title">付款收据</Text>
        <Text id="receipt-amount" className="money-big">
          {formatFen(payment.amount)}
        </Text>
        <Line id="receipt-status" label="状态" value={PAYMENT_STATUS_LABELS[payment.status]} />
        <Line id="receipt-payer" label="付款方" value={invoice.customerName ?? '—'} />
        <Line id="receipt-for" label="款项" value={invoice.reason.installmentName} />
        <Line id="receipt-invoice" label="账单号" value={invoice.number} />
        <Line id="receipt-contract" label="合同号" value={invoice.contractNumber} />
        <Line
          id="receipt-paid-at"
          label="付款时间"
          value={payment.paidAt ? formatDateTime(payment.paidAt) : '—'}
        />
        <Line id="receipt-out-trade-no" label="商户订单号" value={payment.outTradeNo} />
        <Line id="receipt-transaction" label="微信支付单号" value={payment.transactionId ?? '—'} />
        {payment.refundedAmount > 0 && (
          <Line id="receipt-refunded" label="已退款" value={formatFen(payment.refundedAmount)} />
        )}
        <Text className="hint">付款方式：微信支付。本收据依据我方收款记录生成，发票请在账单详情中申请。</Text>
      </View>
    </View>
  );
}
