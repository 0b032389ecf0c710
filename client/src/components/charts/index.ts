/*
 * Charts for any page: `<Chart option={…} />` renders an ECharts option in the mini-program and in
 * H5. Import from here only in subpackage pages so ECharts stays out of the mini-program's main package.
 */
export { Chart, type ChartProps } from './Chart';
export type { ChartOption } from './echarts';
export {
  CHART_COLORS,
  barOption,
  funnelOption,
  lineOption,
  type ChartDatum,
  type ChartSeries,
  type ValueFormatter,
} from './options';
