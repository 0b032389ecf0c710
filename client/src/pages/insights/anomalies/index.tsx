import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { AnomalyFlag, AnomalyStatus } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import { listAnomalies } from '../../../services/insights';
import { AnomalyCard } from './AnomalyCard';
import '../../../components/projects/projects.css';
import '../insights.css';

const STATUSES: Array<{ key: AnomalyStatus; label: string }> = [
  { key: 'open', label: '待处理' },
  { key: 'resolved', label: '已处理' },
];

/** Amounts and timings far from the customer's and the firm's history, for finance or the owner. */
export default function AnomaliesPage() {
  const [status, setStatus] = useState<AnomalyStatus>('open');
  const [items, setItems] = useState<AnomalyFlag[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (next?: string) => {
    try {
      const page = await listAnomalies({ status, cursor: next });
      setItems((prev) => (next && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  useEffect(() => {
    setItems(null);
    void load();
  }, [status]);

  const replace = (a: AnomalyFlag) => setItems((prev) => prev?.map((x) => (x.id === a.id ? a : x)) ?? null);
  return (
    <View className="page insights-page">
      <Text className="page-title">异常预警</Text>
      <View className="insights-chip-row">
        {STATUSES.map((s) => (
          <View
            key={s.key}
            id={`anomalies-${s.key}`}
            className={`insights-chip ${status === s.key ? 'insights-chip-active' : ''}`}
            onClick={() => setStatus(s.key)}
          >
            <Text>{s.label}</Text>
          </View>
        ))}
      </View>
      {!items && <Text className="hint">{error ?? '加载中…'}</Text>}
      {items?.length === 0 && <Text className="hint">暂无异常</Text>}
      {items?.map((a) => (
        <AnomalyCard key={a.id} item={a} onResolved={replace} />
      ))}
      {cursor && (
        <Button id="anomalies-more" fill="outline" block onClick={() => void load(cursor)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
