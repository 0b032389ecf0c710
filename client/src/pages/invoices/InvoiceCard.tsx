import { Text, View } from '@tarojs/components';
import type { Invoice } from '@gantry/shared';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { INVOICE_STATUS_LABELS, formatFen, reasonText } from '../../services/invoices';
import { formatDate } from '../../services/projects';

/** One invoice in a list: what it is for and why it is due, what is still open, by when. */
export function InvoiceCard({ invoice, showCustomer }: { invoice: Invoice; showCustomer?: boolean }) {
  const open = () => void platform.navigateTo(`${ROUTES.invoiceDetail}?id=${encodeURIComponent(invoice.id)}`);
  return (
    <View id={`invoice-item-${invoice.id}`} className="project-card" onClick={open}>
      <View className="project-row">
        <Text className="project-name">{invoice.reason.installmentName}</Text>
        <Text id={`invoice-status-${invoice.id}`} className={`project-tag invoice-${invoice.status}`}>
          {INVOICE_STATUS_LABELS[invoice.status]}
        </Text>
      </View>
      <Text className="invoice-reason">{reasonText(invoice)}</Text>
      <View className="money-row">
        <Text className="money-label">应付 {formatFen(invoice.amount)}</Text>
        <Text id={`invoice-open-${invoice.id}`}>待付 {formatFen(invoice.openAmount)}</Text>
      </View>
      <Text className="project-meta">
        {showCustomer && invoice.customerName ? `${invoice.customerName} · ` : ''}
        {invoice.number} · 付款截止 {formatDate(invoice.dueDate)}
      </Text>
    </View>
  );
}
