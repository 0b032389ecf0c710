import { Text, View } from '@tarojs/components';
import type { InsightsGroupBy, KpiReport } from '@gantry/shared';
import { GROUP_BY_LABELS, GROUP_BY_OPTIONS, PERIODS, type PeriodKey } from '../../services/insights';

interface ChipProps {
  id: string;
  label: string;
  active: boolean;
  onClick(): void;
}

function Chip({ id, label, active, onClick }: ChipProps) {
  return (
    <View id={id} className={`insights-chip ${active ? 'insights-chip-active' : ''}`} onClick={onClick}>
      <Text>{label}</Text>
    </View>
  );
}

export interface FiltersProps {
  period: PeriodKey;
  groupBy: InsightsGroupBy | null;
  /** A group of `groupBy` whose figures the tiles show; null: everyone in scope. */
  group: string | null;
  groups: KpiReport['groups'];
  onPeriod(period: PeriodKey): void;
  onGroupBy(groupBy: InsightsGroupBy | null): void;
  onGroup(group: string | null): void;
}

/** Period, grouping (owner / team / project type) and, once grouped, one group to look at. */
export function Filters(props: FiltersProps) {
  return (
    <View id="insights-filters" className="insights-filters">
      <View className="insights-chip-row">
        {PERIODS.map((p) => (
          <Chip
            key={p.key}
            id={`period-${p.key}`}
            label={p.label}
            active={props.period === p.key}
            onClick={() => props.onPeriod(p.key)}
          />
        ))}
      </View>
      <View className="insights-chip-row">
        <Chip
          id="group-by-none"
          label="不分组"
          active={!props.groupBy}
          onClick={() => props.onGroupBy(null)}
        />
        {GROUP_BY_OPTIONS.map((g) => (
          <Chip
            key={g}
            id={`group-by-${g}`}
            label={GROUP_BY_LABELS[g]}
            active={props.groupBy === g}
            onClick={() => props.onGroupBy(g)}
          />
        ))}
      </View>
      {props.groupBy && props.groups.length > 0 && (
        <View className="insights-chip-row">
          <Chip id="group-all" label="全部" active={!props.group} onClick={() => props.onGroup(null)} />
          {props.groups.map((g) => (
            <Chip
              key={g.key}
              id={`group-${g.key}`}
              label={g.label}
              active={props.group === g.key}
              onClick={() => props.onGroup(g.key)}
            />
          ))}
        </View>
      )}
    </View>
  );
}
