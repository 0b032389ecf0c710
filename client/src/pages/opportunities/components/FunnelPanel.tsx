import { useMemo } from 'react';
import { Text, View } from '@tarojs/components';
import type { Funnel } from '@gantry/shared';
import { Chart, funnelOption } from '../../../components/charts';
import { OPPORTUNITY_STAGE_LABELS, formatFen } from '../../../services/crm';

/**
 * How far opportunities got: the funnel counts every opportunity that reached a stage (so it narrows
 * stage by stage), the list below it those sitting in each stage now, with their expected amounts.
 */
export function FunnelPanel({ funnel }: { funnel: Funnel }) {
  const option = useMemo(() => {
    const reached = funnel.conversions.flatMap((c, i) =>
      i === 0
        ? [[c.from, c.reachedFrom] as const, [c.to, c.reachedTo] as const]
        : [[c.to, c.reachedTo] as const],
    );
    return funnelOption(reached.map(([stage, value]) => ({ name: OPPORTUNITY_STAGE_LABELS[stage], value })));
  }, [funnel]);

  return (
    <View id="funnel-panel" className="crm-card">
      <View className="crm-row">
        <Text className="crm-name">销售漏斗</Text>
        <Text className="crm-meta">共 {funnel.total} 个商机</Text>
      </View>
      <Chart id="funnel-chart" option={option} height={420} />
      {funnel.stages.map((s) => (
        <View key={s.stage} id={`funnel-stage-${s.stage}`} className="crm-factor">
          <Text>{s.label}</Text>
          <Text>
            {s.count} 个 · {formatFen(s.amount)}
          </Text>
        </View>
      ))}
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
