import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Discrepancy } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { DISCREPANCY_KIND_LABELS, resolveDiscrepancy } from '../../../services/finance';
import { formatFen } from '../../../services/invoices';
import { formatDateTime } from '../../../services/projects';

const amount = (fen: number | null) => (fen === null ? '—' : formatFen(fen));

/** One difference between WeChat's bill and our records; finance resolves it once, with a note. */
export function DiscrepancyCard({
  reportId,
  item,
  onResolved,
}: {
  reportId: string;
  item: Discrepancy;
  onResolved: (d: Discrepancy) => void;
}) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const resolve = () => {
    if (!note.trim()) return platform.toast('请填写处理说明');
    void run(async () => {
      onResolved(await resolveDiscrepancy(reportId, item.id, note.trim()));
      platform.toast('已处理', 'success');
    });
  };
  return (
    <View id={`discrepancy-${item.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">{DISCREPANCY_KIND_LABELS[item.kind]}</Text>
        <Text className={`project-tag${item.resolved ? ' invoice-paid' : ' invoice-overdue'}`}>
          {item.resolved ? '已处理' : '待处理'}
        </Text>
      </View>
      <Text className="project-meta">
        {item.subject === 'refund'
          ? `退款单 ${item.outRefundNo ?? '—'}（订单 ${item.outTradeNo}）`
          : `订单 ${item.outTradeNo}`}
      </Text>
      <Text className="project-meta">
        账单 {amount(item.billAmount)}
        {item.billStatus ? `（${item.billStatus}）` : ''} · 我方 {amount(item.ourAmount)}
        {item.ourStatus ? `（${item.ourStatus}）` : ''}
      </Text>
      {item.resolved ? (
        <Text className="project-meta">
          {item.resolved.byName}：{item.resolved.note}（{formatDateTime(item.resolved.at)}）
        </Text>
      ) : (
        <View>
          <View id={`discrepancy-note-${item.id}`} className="form-field">
            <Input
              placeholder="处理说明，如 已补录 / 已联系微信支付"
              value={note}
              onChange={setNote}
              maxLength={500}
            />
          </View>
          <Button
            id={`discrepancy-resolve-${item.id}`}
            size="small"
            type="primary"
            loading={busy}
            onClick={resolve}
          >
            标记已处理
          </Button>
        </View>
      )}
      <ErrorText id={`discrepancy-error-${item.id}`} message={error} />
    </View>
  );
}
