// Types and theme pieces shared by every chart's prepare layer. Type-only ECharts imports: the
// modules themselves are registered once, in components/ui/EChart.tsx.
import type { ComposeOption } from 'echarts/core';
import type {
  BarSeriesOption,
  CustomSeriesOption,
  FunnelSeriesOption,
  GraphSeriesOption,
  GaugeSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  PieSeriesOption,
  RadarSeriesOption,
  SankeySeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import type {
  CalendarComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  RadarComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { format as formatDate } from 'date-fns';
import type { Palette } from './palette';

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | CustomSeriesOption
  | GaugeSeriesOption
  | HeatmapSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | RadarSeriesOption
  | SankeySeriesOption
  | ScatterSeriesOption
  | GraphSeriesOption
  | FunnelSeriesOption
  | CalendarComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | RadarComponentOption
  | TitleComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** What a prepare function returns: an option to draw, or why there is nothing to draw. */
export type ChartModel =
  | { kind: 'ready'; option: ChartOption; /** data points drawn, for tests and a11y */ points: number }
  | { kind: 'empty'; reason: string; hint: string };

/** Canvas needs a real font list: 'inherit' is an invalid canvas font and silently drops size and weight. */
export const CHART_FONT = "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Options every chart shares: transparent background, palette text colours, styled tooltip. */
export function baseOption(palette: Palette): ChartOption {
  return {
    backgroundColor: 'transparent',
    color: palette.series,
    textStyle: { color: palette.text, fontFamily: CHART_FONT },
    // No entry animation: a chart is drawn at once when its data arrives (time to first chart,
    // docs/performance.md); changes (live updates, a new filter) still move in 400 ms.
    animationDuration: 0,
    animationDurationUpdate: 400,
    animationEasing: 'cubicOut',
    tooltip: {
      backgroundColor: palette.background,
      borderColor: palette.border,
      textStyle: { color: palette.text, fontSize: 12 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(0,0,0,0.12); border-radius: 8px;',
    },
  };
}

export function axisStyle(palette: Palette) {
  return {
    axisLine: { lineStyle: { color: palette.border } },
    axisTick: { show: false },
    axisLabel: { color: palette.textMuted, fontSize: 11, hideOverlap: true },
    splitLine: { lineStyle: { color: palette.border, type: 'dashed' as const } },
  };
}

/** A tooltip row: coloured dot, label, right-aligned value. Inputs are escaped. */
export function tooltipRow(color: string, label: string, value: string): string {
  return (
    `<div style="display:flex;align-items:center;gap:8px;min-width:160px">` +
    `<span style="display:inline-block;width:8px;height:8px;border-radius:50%;background:${color}"></span>` +
    `<span style="flex:1">${escapeHtml(label)}</span><b style="font-variant-numeric:tabular-nums">${escapeHtml(value)}</b></div>`
  );
}

export function tooltipTitle(text: string): string {
  return `<div style="font-weight:600;margin-bottom:4px">${escapeHtml(text)}</div>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const DAY_MS = 86_400_000;

/**
 * Inserts `null` points for buckets missing between two points, so a line breaks at a gap instead
 * of drawing a straight segment across it. Capped so a bad bucket size cannot allocate without end.
 */
export function fillGaps<T extends { t: number }>(points: T[], bucketMs: number, empty: (t: number) => T, cap = 5000): T[] {
  if (!(bucketMs > 0) || points.length < 2) return points;
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const out: T[] = [];
  let inserted = 0;
  for (const [idx, point] of sorted.entries()) {
    const prev = sorted[idx - 1];
    if (prev) {
      for (let t = prev.t + bucketMs; t < point.t && inserted < cap; t += bucketMs, inserted++) out.push(empty(t));
    }
    out.push(point);
  }
  return out;
}

/** date-fns pattern for a bucket's label: hours matter below a day. */
export function bucketPattern(bucketMs: number): string {
  return bucketMs > 0 && bucketMs < DAY_MS ? 'MMM d, HH:mm' : 'EEE, MMM d, yyyy';
}

/** A time series point as ECharts takes it: [epoch ms, value or null for a gap]. */
export type TimePair = [number, number | null];

interface AxisTooltipParam {
  seriesName?: string;
  color?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/**
 * Tooltip for a time axis with `trigger: 'axis'`: the bucket's time as the title (date-fns
 * `pattern`), then one row per series with `valueText(seriesName, value)`; a gap reads "no events".
 */
export function timeAxisTooltip(
  palette: Palette,
  pattern: string,
  valueText: (seriesName: string, value: number) => string,
): TooltipComponentOption {
  return {
    ...(baseOption(palette).tooltip as TooltipComponentOption),
    trigger: 'axis',
    formatter: (raw: unknown) => {
      const params = (Array.isArray(raw) ? raw : [raw]) as AxisTooltipParam[];
      const t = Number(params[0]?.axisValue ?? (params[0]?.value as TimePair | undefined)?.[0]);
      const rows = params.map((p) => {
        const value = (p.value as TimePair | undefined)?.[1] ?? null;
        const name = p.seriesName ?? '';
        return tooltipRow(String(p.color ?? palette.primary), name, value === null ? 'no events' : valueText(name, value));
      });
      return tooltipTitle(Number.isFinite(t) ? formatDate(t, pattern) : '') + rows.join('');
    },
  };
}

/** The x axis of a time chart, spanning the whole requested range (ISO `from`/`to`). */
export function timeXAxis(range: { from: string; to: string }, palette: Palette) {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  return {
    type: 'time' as const,
    min: Number.isFinite(from) ? from : undefined,
    max: Number.isFinite(to) ? to : undefined,
    ...axisStyle(palette),
    splitLine: { show: false },
  };
}

/** The legend of a time chart: top right, rounded swatches `swatchHeight` px high. */
export function topRightLegend(palette: Palette, swatchHeight: number): LegendComponentOption {
  return {
    top: 0,
    right: 0,
    icon: 'roundRect',
    itemWidth: 12,
    itemHeight: swatchHeight,
    textStyle: { color: palette.textMuted },
  };
}
