import { useEffect, useRef, type MutableRefObject } from 'react';
import type { ECharts } from 'echarts/core';
import { echarts } from './echarts';

/**
 * H5: ECharts on the element itself (it adds its own <canvas>). Initialised on the next frame, when
 * Taro's router has laid the page out, and resized with the element.
 */
export function useDomChart(
  elementRef: MutableRefObject<unknown>,
  onReady: (chart: ECharts) => void,
): MutableRefObject<ECharts | null> {
  const chartRef = useRef<ECharts | null>(null);
  useEffect(() => {
    let observer: ResizeObserver | null = null;
    const frame = requestAnimationFrame(() => {
      const element = elementRef.current as HTMLElement | null;
      if (!element) return;
      const chart = echarts.init(element, undefined, { renderer: 'canvas' });
      chartRef.current = chart;
      observer = new ResizeObserver(() => chart.resize());
      observer.observe(element);
      onReady(chart);
    });
    return () => {
      cancelAnimationFrame(frame);
      observer?.disconnect();
      chartRef.current?.dispose();
      chartRef.current = null;
    };
    // Created once per mounted element; option changes go through setOption.
  }, []);
  return chartRef;
}
