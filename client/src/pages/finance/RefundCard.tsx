import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Refund } from '@gantry/shared';
import { Button, Input } from '../../components/ui';
import { ErrorText } from '../../components/ui/ErrorText';
import { useSubmit } from '../../hooks/useSubmit';
import { platform } from '../../platform';
import { formatFen } from '../../services/invoices';
import { REFUND_STATUS_LABELS, decideRefund } from '../../services/payments';
import { formatDateTime } from '../../services/projects';
import { getSessionUser } from '../../store/session';

/**
 * A refund with its approvals. One waiting for approval can be approved or rejected here by a
 * finance user other than the one who asked (the server refuses the requester).
 */
export function RefundCard({ refund, onChange }: { refund: Refund; onChange: (r: Refund) => void }) {
  const [comment, setComment] = useState('');
  const { busy, error, run } = useSubmit();
  const mine = refund.requestedBy === getSessionUser()?.id;
  const decide = (decision: 'approve' | 'reject') =>
    void run(async () => {
      const updated = await decideRefund(refund.id, decision, comment);
      platform.toast(decision === 'approve' ? '已批准' : '已驳回', 'success');
      onChange(updated);
    });

  return (
    <View id={`refund-item-${refund.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">退款 {formatFen(refund.amount)}</Text>
        <Text id={`refund-status-${refund.id}`} className={`project-tag refund-${refund.status}`}>
          {REFUND_STATUS_LABELS[refund.status]}
        </Text>
      </View>
      <Text className="project-meta">原因：{refund.reason}</Text>
      <Text className="project-meta">
        {refund.requestedByName} 申请于 {formatDateTime(refund.createdAt)} · 退款单号 {refund.outRefundNo}
      </Text>
      {refund.approvals.map((a) => (
        <Text key={`${a.by}-${a.at}`} className="project-meta">
          {a.byName}
          {a.decision === 'approved' ? '批准' : '驳回'}
          {a.comment ? `：${a.comment}` : ''}（{formatDateTime(a.at)}）
        </Text>
      ))}
      {refund.status === 'pending_approval' && mine && (
        <Text className="hint">等待另一位财务或管理员审批</Text>
      )}
      {refund.status === 'pending_approval' && !mine && (
        <View>
          <View id={`refund-comment-${refund.id}`} className="form-field">
            <Input placeholder="审批意见（可选）" value={comment} onChange={setComment} maxLength={500} />
          </View>
          <View className="choice-row">
            <Button
              id={`refund-approve-${refund.id}`}
              type="primary"
              loading={busy}
              onClick={() => decide('approve')}
            >
              批准退款
            </Button>
            <Button id={`refund-reject-${refund.id}`} loading={busy} onClick={() => decide('reject')}>
              驳回
            </Button>
          </View>
        </View>
      )}
      <ErrorText id={`refund-error-${refund.id}`} message={error} />
    </View>
  );
}
