import { useEffect, useRef, type MutableRefObject } from 'react';
import Taro from '@tarojs/taro';
import type { ECharts } from 'echarts/core';
import { echarts } from './echarts';
import { WeappCanvas, type CanvasNode } from './weapp-canvas';

function pixelRatio(): number {
  try {
    return Taro.getWindowInfo().pixelRatio || 2;
  } catch {
    return 2;
  }
}

/**
 * Mini-program: ECharts on the node of a `<canvas type="2d">`, found by id once the page has
 * rendered it. Text is measured on the same canvas (ECharts has no document to make one from).
 */
export function useWeappChart(
  canvasId: string,
  onReady: (chart: ECharts) => void,
): MutableRefObject<ECharts | null> {
  const chartRef = useRef<ECharts | null>(null);
  useEffect(() => {
    let disposed = false;
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${canvasId}`)
        .fields({ node: true, size: true })
        .exec((res: Array<{ node?: CanvasNode; width: number; height: number } | null>) => {
          const found = res[0];
          if (disposed || !found?.node) return;
          const canvas = new WeappCanvas(found.node);
          echarts.setPlatformAPI({ createCanvas: () => canvas as unknown as HTMLCanvasElement });
          const chart = echarts.init(canvas as unknown as HTMLElement, undefined, {
            width: found.width,
            height: found.height,
            devicePixelRatio: pixelRatio(),
          });
          chartRef.current = chart;
          onReady(chart);
        });
    });
    return () => {
      disposed = true;
      chartRef.current?.dispose();
      chartRef.current = null;
    };
  }, [canvasId]);
  return chartRef;
}
