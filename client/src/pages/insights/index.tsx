import { useState } from 'react';
import { usePullDownRefresh, stopPullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { InsightsGroupBy } from '@gantry/shared';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { GROUP_BY_LABELS, type PeriodKey } from '../../services/insights';
import { DashboardCharts, Section } from './DashboardCharts';
import { ExportButton } from './ExportButton';
import { Filters } from './Filters';
import { GroupTable } from './GroupTable';
import { KpiTiles } from './KpiTiles';
import { useKpis } from './use-kpis';
import '../../components/projects/projects.css';
import './insights.css';

const SCOPE_LABEL = (scope: string) => (scope === 'firm' ? '全公司' : '我的团队');

/**
 * The manager's dashboard: KPI tiles with their trend against the previous window, the funnel,
 * receivables aging, satisfaction and response time by month; filters by period and grouping;
 * each table exports to .xlsx. Admins and finance see the firm, managers their team.
 */
export default function InsightsPage() {
  const [period, setPeriod] = useState<PeriodKey>('12m');
  const [groupBy, setGroupBy] = useState<InsightsGroupBy | null>(null);
  const [group, setGroup] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const { query, report, previous, error } = useKpis({ period, groupBy }, reloadKey);

  usePullDownRefresh(() => {
    setReloadKey((k) => k + 1);
    stopPullDownRefresh();
  });

  const chosen = report?.groups.find((g) => g.key === group) ?? null;
  const figures = chosen ?? report?.overall ?? null;
  const previousFigures = chosen
    ? (previous?.groups.find((g) => g.key === chosen.key) ?? null)
    : (previous?.overall ?? null);

  return (
    <View className="page insights-page">
      <View className="insights-head">
        <Text className="page-title">经营看板</Text>
        {report && (
          <Text id="insights-scope" className="insights-card-note">
            {SCOPE_LABEL(report.scope)}
          </Text>
        )}
      </View>
      <View className="insights-links">
        <View
          id="churn-link"
          className="insights-link"
          onClick={() => void platform.navigateTo(ROUTES.churnRisk)}
        >
          <Text>流失风险 ›</Text>
        </View>
        <View
          id="anomalies-link"
          className="insights-link"
          onClick={() => void platform.navigateTo(ROUTES.anomalies)}
        >
          <Text>异常预警 ›</Text>
        </View>
      </View>
      <Filters
        period={period}
        groupBy={groupBy}
        group={group}
        groups={report?.groups ?? []}
        onPeriod={setPeriod}
        onGroupBy={(g) => {
          setGroupBy(g);
          setGroup(null);
        }}
        onGroup={setGroup}
      />
      {!report && (
        <Text id="insights-status" className="hint">
          {error ?? '加载中…'}
        </Text>
      )}
      {report && figures && (
        <View id="insights-report">
          {chosen && <Text className="insights-card-note">当前查看：{chosen.label}</Text>}
          <KpiTiles figures={figures} previous={previous ? previousFigures : null} />
          <Section
            id="kpi-table-section"
            title={groupBy ? `分组指标（${GROUP_BY_LABELS[groupBy]}）` : '指标明细'}
            note="导出包含各分组指标、账龄、月度趋势与漏斗"
            action={<ExportButton id="export-kpis" kind="kpis" query={query} />}
          >
            {groupBy ? (
              <GroupTable groups={report.groups} />
            ) : (
              <Text className="hint">选择分组可对比负责人、团队或项目类型</Text>
            )}
          </Section>
          <DashboardCharts
            report={report}
            agingAction={<ExportButton id="export-aging" kind="receivables-aging" query={query} />}
          />
        </View>
      )}
    </View>
  );
}
