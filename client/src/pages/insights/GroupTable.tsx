import { Text, View } from '@tarojs/components';
import type { KpiReport } from '@gantry/shared';
import { formatDays, formatFen, formatHours, formatShare, formatStars } from '../../services/insights';

const COLUMNS: Array<{ key: string; title: string; cell(g: KpiReport['groups'][number]): string }> = [
  { key: 'response', title: '响应中位数', cell: (g) => formatHours(g.responseTime.medianSeconds) },
  { key: 'repeat', title: '复购率', cell: (g) => formatShare(g.repeatCustomers.rate) },
  { key: 'over', title: '平均超期', cell: (g) => formatDays(g.projectDuration.avgDaysOver) },
  { key: 'rating', title: '满意度', cell: (g) => formatStars(g.satisfaction.average) },
  { key: 'overdue', title: '逾期应收', cell: (g) => formatFen(g.receivables.overdueAmount) },
];

/** One row per group of the chosen grouping; scrolls sideways on a phone. */
export function GroupTable({ groups }: { groups: KpiReport['groups'] }) {
  if (groups.length === 0) return <Text className="hint">该期间没有可分组的数据</Text>;
  return (
    <View id="group-table" className="insights-table">
      <View className="insights-table-row insights-table-head">
        <Text className="insights-table-cell insights-table-name">分组</Text>
        {COLUMNS.map((c) => (
          <Text key={c.key} className="insights-table-cell">
            {c.title}
          </Text>
        ))}
      </View>
      {groups.map((g) => (
        <View key={g.key} id={`group-row-${g.key}`} className="insights-table-row">
          <Text className="insights-table-cell insights-table-name">{g.label}</Text>
          {COLUMNS.map((c) => (
            <Text key={c.key} className="insights-table-cell">
              {c.cell(g)}
            </Text>
          ))}
        </View>
      ))}
    </View>
  );
}
