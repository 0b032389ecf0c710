import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Funnel } from '@gantry/shared';
import { OPPORTUNITY_STAGE_LABELS, formatFen, getFunnel } from '../../services/crm';
import '../../components/crm/crm.css';

/** 销售漏斗: opportunities and expected amounts per stage, as a plain bar list (no chart library). */
export default function FunnelPage() {
  const [funnel, setFunnel] = useState<Funnel | null>(null);

  useDidShow(() => {
    getFunnel().then(setFunnel, () => undefined);
  });

  if (!funnel) {
    return (
      <View className="page">
        <Text className="page-title">销售漏斗</Text>
        <Text className="hint">加载中…</Text>
      </View>
    );
  }

  const maxCount = Math.max(1, ...funnel.stages.map((s) => s.count));
  return (
    <View className="page funnel-page">
      <Text className="page-title">销售漏斗</Text>
      <Text className="crm-meta">共 {funnel.total} 个商机</Text>
      {funnel.stages.map((s) => (
        <View key={s.stage} id={`funnel-stage-${s.stage}`} className="crm-card">
          <View className="crm-row">
            <Text className="crm-name">{s.label}</Text>
            <Text className="crm-meta">
              {s.count} 个 · {formatFen(s.amount)}
            </Text>
          </View>
          <View className="crm-bar-track">
            <View className="crm-bar" style={{ width: `${Math.round((s.count / maxCount) * 100)}%` }} />
          </View>
        </View>
      ))}
      {funnel.conversions.length > 0 && <Text className="crm-section-title">转化率</Text>}
      {funnel.conversions.map((c) => (
        <Text key={`${c.from}-${c.to}`} className="crm-meta">
          {OPPORTUNITY_STAGE_LABELS[c.from]} → {OPPORTUNITY_STAGE_LABELS[c.to]}：
          {c.rate === null ? '—' : `${Math.round(c.rate * 100)}%`}（{c.reachedTo}/{c.reachedFrom}）
        </Text>
      ))}
      {funnel.truncated && <Text className="hint">商机过多，仅统计了部分数据</Text>}
    </View>
  );
}
