import type { ECharts } from 'echarts/core';

/** The parts of a mini-program `<canvas type="2d">` node that ECharts touches. */
export interface CanvasNode {
  width: number;
  height: number;
  getContext(type: '2d'): unknown;
}

/** A touch as the mini-program reports it on a canvas: x/y relative to the canvas. */
export interface CanvasTouch {
  x?: number;
  y?: number;
  clientX?: number;
  clientY?: number;
}

/**
 * A mini-program canvas node dressed as the DOM canvas ZRender expects (the same adapter as
 * Apache's echarts-for-weixin): no `nodeName`, so ZRender paints straight onto it, and no DOM events,
 * so touches are handed to the chart by `dispatchTouch`.
 */
export class WeappCanvas {
  constructor(private readonly node: CanvasNode) {}

  getContext(type: string): unknown {
    return type === '2d' ? this.node.getContext('2d') : null;
  }

  get width(): number {
    return this.node.width;
  }

  set width(w: number) {
    this.node.width = w;
  }

  get height(): number {
    return this.node.height;
  }

  set height(h: number) {
    this.node.height = h;
  }

  // ZRender registers DOM listeners on its root; a canvas node takes none.
  addEventListener(): void {}
  removeEventListener(): void {}
  attachEvent(): void {}
  detachEvent(): void {}
}

const TOUCH_TO_MOUSE = {
  start: ['mousedown', 'mousemove'],
  move: ['mousemove'],
  end: ['mouseup', 'click'],
} as const;

/** Replays a canvas touch as the mouse events ECharts' tooltip and click handlers listen to. */
export function dispatchTouch(chart: ECharts, phase: keyof typeof TOUCH_TO_MOUSE, touch?: CanvasTouch): void {
  if (!touch) return;
  const handler = chart.getZr().handler;
  const event = {
    zrX: touch.x ?? touch.clientX ?? 0,
    zrY: touch.y ?? touch.clientY ?? 0,
    preventDefault() {},
    stopImmediatePropagation() {},
    stopPropagation() {},
  };
  for (const name of TOUCH_TO_MOUSE[phase]) handler.dispatch(name, event);
}
