import { useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Invoice, Payment } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { PaymentOutcomeError, platform } from '../../../platform';
import { formatFen, isPayable } from '../../../services/invoices';
import {
  endAttempt,
  invoiceAfter,
  payInvoice,
  pendingAttempt,
  refreshPayment,
  reportNotPaid,
  waitForSettlement,
} from '../../../services/payments';

type Phase = 'idle' | 'paying' | 'confirming' | 'unconfirmed' | 'refreshing';

/**
 * The customer's pay button. Paid or not is what our server says. When WeChat says the payment did
 * not happen (cancelled or failed) the server closes the order and the button is back at once; only
 * when nothing was said does the page poll for a few seconds, then offer 重新查询.
 */
export function PayPanel({ invoice, onSettled }: { invoice: Invoice; onSettled: (i: Invoice) => void }) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<string | null>(null);
  // Mount and show both resume, and the mini-program shows the page again when the cashier closes
  // while `pay` is still waiting for its answer: one of them at a time.
  const busy = useRef(false);

  /** The payment as the server now has it: paid or closed ends the attempt; still open waits. */
  const conclude = async (payment: Payment) => {
    if (payment.status === 'created') return setPhase('unconfirmed');
    const updated = await invoiceAfter(invoice.id, payment);
    endAttempt(invoice.id);
    setPhase('idle');
    if (payment.status === 'paid') platform.toast('支付成功', 'success');
    onSettled(updated);
  };

  const run = async (work: () => Promise<void>, onError: Phase) => {
    if (busy.current) return;
    busy.current = true;
    try {
      await work();
    } catch (caught) {
      setPhase(onError);
      setError(messageOf(caught));
    } finally {
      busy.current = false;
    }
  };

  const settle = (paymentId: string) =>
    run(async () => {
      setPhase('confirming');
      await conclude(await waitForSettlement(paymentId));
    }, 'unconfirmed');

  // Coming back to the page with an attempt under way (e.g. from the browser's pay page).
  const resume = () => {
    const attempt = pendingAttempt(invoice.id);
    const outcome = platform.takePaymentReturn();
    if (!attempt?.paymentId) return;
    const paymentId = attempt.paymentId;
    if (!outcome) return void settle(paymentId);
    void run(async () => {
      const payment = await reportNotPaid(invoice.id, paymentId);
      if (payment.status === 'closed') setError(new PaymentOutcomeError(outcome).message);
      await conclude(payment);
    }, 'idle');
  };
  useEffect(resume, [invoice.id]);
  useDidShow(resume);

  const pay = () =>
    run(async () => {
      setError(null);
      setPhase('paying');
      const payment = await payInvoice(invoice);
      setPhase('confirming');
      await conclude(await waitForSettlement(payment.id));
    }, 'idle');

  const recheck = () =>
    run(async () => {
      const paymentId = pendingAttempt(invoice.id)?.paymentId;
      if (!paymentId) return setPhase('idle');
      setError(null);
      setPhase('refreshing');
      const payment = await refreshPayment(paymentId);
      // WeChat says the order is still unpaid: the same order may be paid again (same key, same prepay).
      if (payment.status === 'created') {
        setError('微信支付显示尚未付款，可重新支付');
        return setPhase('idle');
      }
      await conclude(payment);
    }, 'unconfirmed');

  if (phase === 'confirming') {
    return (
      <Text id="pay-confirming" className="hint">
        正在确认支付结果…
      </Text>
    );
  }
  const waiting = phase === 'unconfirmed' || phase === 'refreshing';
  return (
    <View id="pay-panel">
      {waiting && (
        <View className="actions">
          <Text id="pay-unconfirmed" className="hint">
            暂未收到支付结果；如已付款请勿重复支付，可点“重新查询”向微信支付确认。
          </Text>
          <Button id="pay-refresh" block loading={phase === 'refreshing'} onClick={() => void recheck()}>
            重新查询
          </Button>
        </View>
      )}
      {isPayable(invoice) && !waiting && (
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
