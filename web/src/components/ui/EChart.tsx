// The one place that touches ECharts: registers the parts the app uses (tree-shaken from
// echarts/core), creates an instance per element, resizes with its box, and disposes on unmount.
// After ECharts' `finished` event the wrapper carries data-chart-ready="true" (browser tests wait on it).
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartOption } from '../../lib/chart';

// What the Executive Dashboard and most pages draw. Heatmaps, the visual map, calendar, funnel,
// graph and radar are registered by the pages that use them (echartsExtras.ts), and gauge and
// sankey by the cost page (features/cost/lib/echartsParts.ts): the first chunk stays small.
echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  PieChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
  // `labelLayout` of a series (hideOverlap, moveOverlap) does nothing without it.
  LabelLayout,
]);

export interface EChartHandle {
  /** PNG of the chart as a data URL, drawn on `background` at twice the screen resolution. */
  toPng(background: string): string | null;
}

/** What a click on a chart element reports (ECharts' event params, the parts used). */
export interface ChartClick {
  name?: string;
  seriesName?: string;
  dataType?: string;
  data?: unknown;
}

interface EChartProps {
  option: ChartOption;
  /** Called when a data element is clicked (drill-down). */
  onClick?: (params: ChartClick) => void;
  /** Number of data points, exposed as data-series-points for tests. */
  points: number;
  ariaLabel: string;
  className?: string;
  ref?: Ref<EChartHandle>;
}

export function EChart({ option, points, ariaLabel, className, ref, onClick }: EChartProps) {
  const elementRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const chart = echarts.init(element, null, { renderer: 'canvas' });
    chartRef.current = chart;
    const onFinished = () => setReady(true);
    chart.on('finished', onFinished);
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => chart.resize());
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      chart.off('finished', onFinished);
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    // A shallow copy: ECharts clears `media` on the object it is given, and the same memoized
    // option may be set again (StrictMode, remount after full screen).
    // Applied at once, not on the next frame (lazyUpdate): a pointer event between the two found
    // the new series without its data ("reading 'getRawIndex'") when a click replaced the data.
    const chart = chartRef.current;
    if (!chart) return;
    chart.dispatchAction({ type: 'hideTip' });
    chart.setOption({ ...option }, { notMerge: true });
  }, [option]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !onClick) return;
    const handler = (params: unknown) => onClick(params as ChartClick);
    chart.on('click', handler);
    return () => {
      chart.off('click', handler);
    };
  }, [onClick]);

  useImperativeHandle(
    ref,
    () => ({
      toPng: (background) =>
        chartRef.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background }) ?? null,
    }),
    [],
  );

  return (
    <div
      ref={elementRef}
      role="img"
      aria-label={ariaLabel}
      data-chart-ready={ready ? 'true' : 'false'}
      data-series-points={points}
      className={className ?? 'h-full w-full'}
    />
  );
}
