import { useCallback, useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Invoice } from '@gantry/shared';
import { messageOf } from '../../../components/ui/errors';
import {
  FAPIAO_STATUS_LABELS,
  INVOICE_STATUS_LABELS,
  formatFen,
  getInvoice,
  reasonText,
} from '../../../services/invoices';
import { formatDate, formatDateTime } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { ArrangementPanel } from './ArrangementPanel';
import { FapiaoPanel } from './FapiaoPanel';
import { InvoicePayments } from './InvoicePayments';
import { PayPanel } from './PayPanel';
import '../../../components/projects/projects.css';
import '../invoices.css';

function MoneyRow({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <View className="money-row">
      <Text className="money-label">{label}</Text>
      <Text id={id}>{value}</Text>
    </View>
  );
}

function InvoiceSummary({ invoice }: { invoice: Invoice }) {
  return (
    <View id="invoice-summary" className="project-card">
      <View className="project-row">
        <Text className="project-name">{invoice.reason.installmentName}</Text>
        <Text id="invoice-status" className={`project-tag invoice-${invoice.status}`}>
          {INVOICE_STATUS_LABELS[invoice.status]}
        </Text>
      </View>
      <Text id="invoice-reason" className="invoice-reason">
        {reasonText(invoice)}
      </Text>
      <Text className="money-label">待付金额</Text>
      <Text id="invoice-open-amount" className="money-big">
        {formatFen(invoice.openAmount)}
      </Text>
      <MoneyRow id="invoice-amount" label="应付" value={formatFen(invoice.amount)} />
      <MoneyRow id="invoice-paid" label="已付" value={formatFen(invoice.paidAmount)} />
      {invoice.refundedAmount > 0 && (
        <MoneyRow id="invoice-refunded" label="已退款" value={formatFen(invoice.refundedAmount)} />
      )}
      <MoneyRow id="invoice-due" label="付款截止" value={formatDate(invoice.dueDate)} />
      {invoice.paidAt && (
        <MoneyRow id="invoice-paid-at" label="付清时间" value={formatDateTime(invoice.paidAt)} />
      )}
      <Text className="project-meta">
        账单号 {invoice.number} · 合同 {invoice.contractNumber}
        {invoice.customerName ? ` · ${invoice.customerName}` : ''}
      </Text>
      <Text className="project-meta">
        发票：{FAPIAO_STATUS_LABELS[invoice.fapiao.status]}
        {invoice.fapiao.number ? `（${invoice.fapiao.number}，${invoice.fapiao.issuedDate ?? ''}）` : ''}
      </Text>
      {invoice.arrangementAgreed && (
        <Text id="invoice-arrangement" className="project-meta">
          已约定付款安排{invoice.arrangementNote ? `：${invoice.arrangementNote}` : ''}
        </Text>
      )}
      {invoice.voidReason && <Text className="project-meta">作废原因：{invoice.voidReason}</Text>}
    </View>
  );
}

/** One invoice: why it is due, what is open; the customer pays here, everyone sees its payments. */
export default function InvoiceDetailPage() {
  const id = useRouter().params.id ?? '';
  const [invoice, setInvoice] = useState<Invoice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const role = getSessionUser()?.role;
  const isCustomer = role === 'customer';
  const isFinance = role === 'finance' || role === 'admin';

  const show = useCallback((found: Invoice) => {
    setInvoice(found);
    setVersion((v) => v + 1);
  }, []);
  const load = useCallback(() => {
    getInvoice(id).then(show, (caught: unknown) => setError(messageOf(caught)));
  }, [id]);
  useEffect(load, [load]);

  if (!invoice) return <Text className="hint">{error ?? '加载中…'}</Text>;
  return (
    <View className="page invoice-detail-page">
      <InvoiceSummary invoice={invoice} />
      {isCustomer && <PayPanel invoice={invoice} onSettled={show} />}
      {isFinance && <ArrangementPanel invoice={invoice} onChange={setInvoice} />}
      {(isCustomer || isFinance) && <FapiaoPanel invoice={invoice} staff={isFinance} onChange={setInvoice} />}
      <InvoicePayments invoiceId={invoice.id} staff={!isCustomer} version={version} />
    </View>
  );
}
