import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { ChurnCustomer, ChurnModel } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import { formatShare, listChurn } from '../../../services/insights';
import { ExportButton } from '../ExportButton';
import '../../../components/projects/projects.css';
import '../insights.css';

function ModelNote({ model }: { model: ChurnModel }) {
  if (model.status === 'insufficient_data') {
    return (
      <View id="churn-model" className="insights-card">
        <Text className="insights-card-title">暂无可靠的流失概率</Text>
        <Text className="insights-card-note">{model.reason}</Text>
        <Text className="insights-card-note">
          已有 {model.have} 个可用样本，至少需要 {model.needed} 个
        </Text>
      </View>
    );
  }
  return (
    <View id="churn-model" className="insights-card">
      <Text className="insights-card-note">{model.definition}</Text>
      <Text className="insights-card-note">
        样本 {model.labelled} 个（流失 {model.churned} 个）· 预警阈值 {formatShare(model.threshold)}
      </Text>
    </View>
  );
}

function ChurnCard({ item }: { item: ChurnCustomer }) {
  return (
    <View id={`churn-${item.customerId}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">{item.customerName}</Text>
        <Text className={`project-tag${item.flagged ? ' invoice-overdue' : ''}`}>
          {formatShare(item.probability)}
        </Text>
      </View>
      {item.topFactors.map((f) => (
        <Text key={f.factor} className="project-meta">
          {f.contribution > 0 ? '↑' : '↓'} {f.label}：{Math.round(f.value * 100) / 100}
        </Text>
      ))}
    </View>
  );
}

/** Customers by churn-risk probability with the factors that drive it; only flagged ones on request. */
export default function ChurnPage() {
  const [flaggedOnly, setFlaggedOnly] = useState(true);
  const [model, setModel] = useState<ChurnModel | null>(null);
  const [items, setItems] = useState<ChurnCustomer[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (next?: string) => {
    try {
      const page = await listChurn({ cursor: next, ...(flaggedOnly ? { flagged: 'true' as const } : {}) });
      setModel(page.model);
      setItems((prev) => (next ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  useEffect(() => {
    void load();
  }, [flaggedOnly]);

  const query = flaggedOnly ? { flagged: 'true' as const } : {};
  return (
    <View className="page insights-page">
      <View className="insights-head">
        <Text className="page-title">流失风险</Text>
        <ExportButton id="export-churn" kind="churn" query={query} />
      </View>
      <View className="insights-chip-row">
        {[true, false].map((only) => (
          <View
            key={String(only)}
            id={only ? 'churn-flagged' : 'churn-all'}
            className={`insights-chip ${flaggedOnly === only ? 'insights-chip-active' : ''}`}
            onClick={() => setFlaggedOnly(only)}
          >
            <Text>{only ? '需关注' : '全部客户'}</Text>
          </View>
        ))}
      </View>
      {!model && <Text className="hint">{error ?? '加载中…'}</Text>}
      {model && <ModelNote model={model} />}
      {model && items.length === 0 && <Text className="hint">暂无客户</Text>}
      {items.map((i) => (
        <ChurnCard key={i.customerId} item={i} />
      ))}
      {cursor && (
        <Button id="churn-more" fill="outline" block onClick={() => void load(cursor)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
