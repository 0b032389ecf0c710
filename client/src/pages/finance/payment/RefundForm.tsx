import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Payment, Refund } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { parseYuan } from '../../../services/changes';
import { formatFen } from '../../../services/invoices';
import { requestRefund } from '../../../services/payments';

/**
 * 申请退款: full or partial, in 元 (exact fen by string arithmetic), with a reason. Above the
 * configured amount it waits for a second finance user; the server also caps it at what is left.
 */
export function RefundForm({ payment, onDone }: { payment: Payment; onDone: (r: Refund) => void }) {
  const left = payment.amount - payment.refundedAmount;
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = () => {
    const fen = parseYuan(amount);
    if (fen === null || fen <= 0) return platform.toast('请填写退款金额（元，最多两位小数）');
    if (fen > left) return platform.toast(`最多可退 ${formatFen(left)}`);
    if (!reason.trim()) return platform.toast('请填写退款原因');
    void run(async () => {
      const refund = await requestRefund(payment.id, { amount: fen, reason: reason.trim() });
      platform.toast(refund.status === 'pending_approval' ? '已提交，等待审批' : '已发起退款', 'success');
      setAmount('');
      setReason('');
      onDone(refund);
    });
  };

  return (
    <View id="refund-form" className="project-card">
      <Text className="project-name">申请退款</Text>
      <Text className="project-meta">最多可退 {formatFen(left)}</Text>
      <Text className="form-label">退款金额（元）</Text>
      <View id="refund-amount-input" className="form-field">
        <Input placeholder="如 1200.00" value={amount} onChange={setAmount} />
      </View>
      <Text className="form-label">退款原因</Text>
      <View id="refund-reason-input" className="form-field">
        <Input placeholder="如 多收工程款" value={reason} onChange={setReason} maxLength={80} />
      </View>
      <View className="actions">
        <Button id="refund-submit" block type="primary" loading={busy} onClick={submit}>
          提交退款申请
        </Button>
      </View>
      <ErrorText id="refund-form-error" message={error} />
    </View>
  );
}
