import { useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Invoice } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { platform } from '../../../platform';
import { formatFen, isPayable } from '../../../services/invoices';
import {
  endAttempt,
  invoiceAfter,
  payInvoice,
  pendingAttempt,
  waitForSettlement,
} from '../../../services/payments';

type Phase = 'idle' | 'paying' | 'confirming' | 'unconfirmed';

/**
 * The customer's pay button. Paid or not is what our server says: after WeChat's cashier (or, in a
 * browser, the simulator's pay page and the way back here) the page polls the payment until the
 * notification settled it.
 */
export function PayPanel({ invoice, onSettled }: { invoice: Invoice; onSettled: (i: Invoice) => void }) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<string | null>(null);
  // Mount and show both resume: one poll at a time.
  const settling = useRef(false);

  const settle = async (paymentId: string) => {
    if (settling.current) return;
    settling.current = true;
    setPhase('confirming');
    try {
      const payment = await waitForSettlement(paymentId);
      if (payment.status === 'created') return setPhase('unconfirmed');
      const updated = await invoiceAfter(invoice.id, payment);
      // Paid, or closed unpaid: either way the next tap is a new attempt with a new key.
      endAttempt(invoice.id);
      setPhase('idle');
      if (payment.status === 'paid') platform.toast('支付成功', 'success');
      onSettled(updated);
    } catch (caught) {
      setPhase('unconfirmed');
      setError(messageOf(caught));
    } finally {
      settling.current = false;
    }
  };

  // Coming back to the page with an attempt under way (e.g. from the browser's pay page).
  const resume = () => {
    const attempt = pendingAttempt(invoice.id);
    if (attempt?.paymentId) void settle(attempt.paymentId);
  };
  useEffect(resume, [invoice.id]);
  useDidShow(resume);

  const pay = async () => {
    setError(null);
    setPhase('paying');
    try {
      const payment = await payInvoice(invoice);
      await settle(payment.id);
    } catch (caught) {
      // A cancelled cashier or a failed request: the attempt (and its key) stays for the retry.
      setPhase('idle');
      setError(messageOf(caught));
    }
  };

  if (phase === 'confirming') {
    return (
      <Text id="pay-confirming" className="hint">
        正在确认支付结果…
      </Text>
    );
  }
  return (
    <View id="pay-panel">
      {phase === 'unconfirmed' && (
        <Text id="pay-unconfirmed" className="hint">
          暂未收到支付结果，稍后会自动更新；如已付款请勿重复支付。
        </Text>
      )}
      {isPayable(invoice) && phase !== 'unconfirmed' && (
        <View className="actions">
          <Button
            id="invoice-pay"
            block
            type="primary"
            loading={phase === 'paying'}
            onClick={() => void pay()}
          >
            微信支付 {formatFen(invoice.openAmount)}
          </Button>
        </View>
      )}
      <ErrorText id="pay-error" message={error} />
    </View>
  );
}
