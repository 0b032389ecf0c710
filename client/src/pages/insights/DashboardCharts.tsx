import { useMemo, type ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import type { KpiReport, TrendPoint } from '@gantry/shared';
import { Chart, barOption, funnelOption, lineOption } from '../../components/charts';
import { AGING_ORDER, formatFen } from '../../services/insights';
import { openRecords } from './KpiTiles';

const yuanAxis = (v: number) => `¥${Math.round(v).toLocaleString('zh-CN')}`;

interface SectionProps {
  id: string;
  title: string;
  note?: string;
  action?: ReactNode;
  children: ReactNode;
}

export function Section({ id, title, note, action, children }: SectionProps) {
  return (
    <View id={id} className="insights-card">
      <View className="insights-card-head">
        <Text className="insights-card-title">{title}</Text>
        {action}
      </View>
      {note && <Text className="insights-card-note">{note}</Text>}
      {children}
    </View>
  );
}

function trendInput(points: TrendPoint[], name: string, scale: (v: number) => number) {
  return {
    categories: points.map((p) => p.month),
    series: [{ name, data: points.map((p) => (p.value === null ? null : scale(p.value))) }],
  };
}

/** The funnel, receivables aging and the two monthly trends of one KPI report. */
export function DashboardCharts({ report, agingAction }: { report: KpiReport; agingAction?: ReactNode }) {
  const funnel = useMemo(
    () =>
      funnelOption(
        report.funnel.map((s) => ({ name: `${s.label} ${s.count} 个`, value: s.amount / 100 })),
        yuanAxis,
      ),
    [report],
  );
  const aging = report.overall.receivables.aging;
  const agingChart = useMemo(() => {
    const byKey = new Map(aging.map((a) => [a.bucket, a]));
    const rows = AGING_ORDER.map((k) => byKey.get(k)).filter((a) => a !== undefined);
    return barOption({
      categories: rows.map((a) => a.label),
      series: [{ name: '应收', data: rows.map((a) => a.amount / 100) }],
      format: yuanAxis,
    });
  }, [report]);
  const response = useMemo(
    () =>
      lineOption({
        ...trendInput(report.trends.responseMedianSeconds, '响应中位数', (s) => Math.round(s / 360) / 10),
        format: (v) => `${v} 小时`,
        area: true,
      }),
    [report],
  );
  const satisfaction = useMemo(
    () => lineOption({ ...trendInput(report.trends.satisfaction, '平均评分', (v) => v), area: true }),
    [report],
  );

  return (
    <View>
      <Section id="funnel-section" title="销售漏斗" note="期间内新建商机的当前阶段与预计金额">
        <Chart id="funnel-chart" option={funnel} height={460} />
      </Section>
      <Section
        id="aging-section"
        title="应收账龄"
        note={`截至 ${report.overall.receivables.asOf.slice(0, 10)}`}
        action={agingAction}
      >
        <Chart id="aging-chart" option={agingChart} height={420} />
        {aging.map((a) => (
          <View
            key={a.bucket}
            id={`aging-${a.bucket}`}
            className="insights-row"
            onClick={() => openRecords({ title: `应收 · ${a.label}`, link: a.link })}
          >
            <Text className="insights-row-label">{a.label}</Text>
            <Text>
              {formatFen(a.amount)} · {a.count} 张
            </Text>
          </View>
        ))}
      </Section>
      <Section id="satisfaction-section" title="满意度趋势" note="每月平均评分（1–5）">
        <Chart id="satisfaction-chart" option={satisfaction} height={400} />
      </Section>
      <Section id="response-section" title="响应时间趋势" note="每月首次响应中位数（小时）">
        <Chart id="response-chart" option={response} height={400} />
      </Section>
    </View>
  );
}
