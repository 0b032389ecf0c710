import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { AnomalyFlag } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ANOMALY_SUBJECT_LABELS, formatFen, resolveAnomaly } from '../../../services/insights';
import { formatDateTime } from '../../../services/projects';

/** One flagged invoice, payment, refund or change, with why; resolved once with a note. */
export function AnomalyCard({ item, onResolved }: { item: AnomalyFlag; onResolved(a: AnomalyFlag): void }) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const resolve = () => {
    if (!note.trim()) return platform.toast('请填写处理说明');
    void run(async () => {
      onResolved(await resolveAnomaly(item.id, note.trim()));
      platform.toast('已处理', 'success');
    });
  };
  return (
    <View id={`anomaly-${item.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">
          {ANOMALY_SUBJECT_LABELS[item.subject]} · {item.customerName ?? '未知客户'}
        </Text>
        <Text className={`project-tag${item.status === 'open' ? ' invoice-overdue' : ' invoice-paid'}`}>
          {item.status === 'open' ? '待处理' : '已处理'}
        </Text>
      </View>
      <Text className="project-meta">
        {formatFen(item.amount)} · {formatDateTime(item.createdAt)}
      </Text>
      <Text className="project-meta">{item.reason}</Text>
      {item.status === 'resolved' ? (
        <Text className="project-meta">
          {item.resolvedBy?.name ?? ''}：{item.resolution}
        </Text>
      ) : (
        <View>
          <View id={`anomaly-note-${item.id}`} className="form-field">
            <Input placeholder="处理说明，如 已与客户核实" value={note} onChange={setNote} maxLength={500} />
          </View>
          <ErrorText id={`anomaly-error-${item.id}`} message={error} />
          <Button
            id={`anomaly-resolve-${item.id}`}
            size="small"
            type="primary"
            loading={busy}
            onClick={resolve}
          >
            标记已处理
          </Button>
        </View>
      )}
    </View>
  );
}
