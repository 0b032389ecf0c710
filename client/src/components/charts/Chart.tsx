import { useEffect, useRef } from 'react';
import { Canvas, View, type CanvasTouchEvent } from '@tarojs/components';
import type { ECharts } from 'echarts/core';
import type { ChartOption } from './echarts';
import { useDomChart } from './use-dom-chart';
import { useWeappChart } from './use-weapp-chart';
import { dispatchTouch } from './weapp-canvas';
import './charts.css';

export interface ChartProps {
  /** Unique on the page: the mini-program finds its canvas by it, tests find the chart by it. */
  id: string;
  option: ChartOption;
  /** In design px (750 wide). */
  height?: number;
  className?: string;
}

const IS_H5 = process.env.TARO_ENV === 'h5';

/**
 * Any ECharts chart, in the mini-program (a 2d canvas) and in H5 (ECharts' own canvas). Pass a
 * whole option (see options.ts for the funnel, bar and line builders); a new option replaces the old.
 */
export function Chart({ id, option, height = 480, className }: ChartProps) {
  const optionRef = useRef(option);
  optionRef.current = option;
  const apply = (chart: ECharts) => chart.setOption(optionRef.current, { notMerge: true });
  // Not Taro.pxTransform: in H5 it calls the config's designWidth function, which fails at run time.
  const style = { height: IS_H5 ? `${(height / 750) * 100}vw` : `${height}rpx` };

  if (IS_H5) return <DomChart id={id} style={style} className={className} apply={apply} option={option} />;
  return <CanvasChart id={id} style={style} className={className} apply={apply} option={option} />;
}

interface ViewProps {
  id: string;
  style: { height: string };
  className?: string;
  option: ChartOption;
  apply(chart: ECharts): void;
}

function DomChart({ id, style, className, option, apply }: ViewProps) {
  const element = useRef<unknown>(null);
  const chart = useDomChart(element, apply);
  useEffect(() => {
    if (chart.current) apply(chart.current);
  }, [option]);
  return <View id={id} ref={element} className={`chart ${className ?? ''}`} style={style} />;
}

function CanvasChart({ id, style, className, option, apply }: ViewProps) {
  const canvasId = `${id}-canvas`;
  const chart = useWeappChart(canvasId, apply);
  useEffect(() => {
    if (chart.current) apply(chart.current);
  }, [option]);
  const touch = (phase: 'start' | 'move' | 'end') => (e: CanvasTouchEvent) => {
    if (chart.current) dispatchTouch(chart.current, phase, e.touches[0] ?? e.changedTouches[0]);
  };
  return (
    <View id={id} className={`chart ${className ?? ''}`} style={style}>
      <Canvas
        type="2d"
        id={canvasId}
        canvasId={canvasId}
        className="chart-canvas"
        onTouchStart={touch('start')}
        onTouchMove={touch('move')}
        onTouchEnd={touch('end')}
      />
    </View>
  );
}
