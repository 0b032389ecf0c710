import type { ChartOption } from './echarts';

/** The app's series colours, starting from the navigation bar's blue. */
export const CHART_COLORS = ['#1f4e8c', '#3f7fd0', '#6fa8e8', '#9cc6f2', '#2e9d6a', '#d9822b', '#d93026'];

export interface ChartDatum {
  name: string;
  value: number;
}

export interface ChartSeries {
  name: string;
  /** null: no figure for that category (a gap in a line, no bar). */
  data: Array<number | null>;
}

/** How values read in labels and tooltips (e.g. formatFen); plain numbers by default. */
export type ValueFormatter = (value: number) => string;

const plain: ValueFormatter = (v) => String(v);
const base = { color: CHART_COLORS, animationDuration: 400, textStyle: { fontSize: 12 } };

/** A funnel, widest first in the order given (stages keep their order, whatever their values). */
export function funnelOption(items: ChartDatum[], format: ValueFormatter = plain): ChartOption {
  const max = Math.max(1, ...items.map((i) => i.value));
  return {
    ...base,
    tooltip: { trigger: 'item', valueFormatter: (v) => format(Number(v)) },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        min: 0,
        max,
        minSize: '12%',
        left: '8%',
        right: '8%',
        top: 8,
        bottom: 8,
        gap: 2,
        label: { show: true, position: 'inside', formatter: (p) => `${p.name} ${format(Number(p.value))}` },
        data: items,
      },
    ],
  };
}

interface AxisChartInput {
  categories: string[];
  series: ChartSeries[];
  format?: ValueFormatter;
}

function axisBase({ categories, series, format = plain }: AxisChartInput) {
  return {
    ...base,
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => format(Number(v)) },
    legend: series.length > 1 ? { top: 0 } : { show: false },
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, data: categories },
    yAxis: { type: 'value' as const, axisLabel: { formatter: (v: number) => format(v) } },
  };
}

/** Grouped bars, one group per category. */
export function barOption(input: AxisChartInput): ChartOption {
  return {
    ...axisBase(input),
    series: input.series.map((s) => ({ type: 'bar', name: s.name, data: s.data, barMaxWidth: 32 })),
  };
}

/** Lines over the categories (e.g. weeks); `area` fills under them. */
export function lineOption(input: AxisChartInput & { area?: boolean }): ChartOption {
  return {
    ...axisBase(input),
    series: input.series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.data,
      smooth: true,
      ...(input.area ? { areaStyle: { opacity: 0.15 } } : {}),
    })),
  };
}
