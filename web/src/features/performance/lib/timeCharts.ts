// Prepare layer of the dashboard's time charts: latency and TTFT percentile lines, the error
// rate, errors stacked by type and the cache hit rate, each with the annotations of the range.
// Every bucket of the range comes from the API; a bucket without events is a gap (null), never 0.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { TooltipComponentOption } from 'echarts/components';
import { format as formatDate } from 'date-fns';
import type { Annotation, Anomaly, ErrorPoint, OverviewRange, PercentilePoint } from '../../../api/types';
import {
  axisStyle,
  baseOption,
  bucketPattern,
  timeXAxis,
  tooltipRow,
  tooltipTitle,
  topRightLegend,
  type ChartModel,
  type TimePair,
} from '../../../lib/chart';
import { formatCompact, formatDuration, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { annotationMarkers, annotationsInBucket, annotationTooltip } from './annotations';
import { markerSeries, withAnomalyNotes } from './anomalyMarkers';

interface AxisParam {
  seriesName?: string;
  color?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/** Axis tooltip: the bucket, one row per series ("no events" in a gap), then its annotations. */
function tooltip(
  palette: Palette,
  range: OverviewRange,
  annotations: Annotation[],
  valueText: (series: string, value: number) => string,
): TooltipComponentOption {
  return {
    ...(baseOption(palette).tooltip as TooltipComponentOption),
    trigger: 'axis',
    formatter: (raw: unknown) => {
      const params = (Array.isArray(raw) ? raw : [raw]) as AxisParam[];
      const t = Number(params[0]?.axisValue ?? (params[0]?.value as TimePair | undefined)?.[0]);
      const rows = params.map((p) => {
        const value = (p.value as TimePair | undefined)?.[1] ?? null;
        const name = p.seriesName ?? '';
        return tooltipRow(String(p.color ?? palette.primary), name, value === null ? 'no events' : valueText(name, value));
      });
      const notes = Number.isFinite(t) ? annotationsInBucket(annotations, t, range.bucket_ms) : [];
      return (
        tooltipTitle(Number.isFinite(t) ? formatDate(t, bucketPattern(range.bucket_ms)) : '') +
        rows.join('') +
        notes.map((a) => annotationTooltip(a, palette)).join('')
      );
    },
  };
}

function timeChart(
  range: OverviewRange,
  palette: Palette,
  annotations: Annotation[],
  series: (LineSeriesOption | BarSeriesOption)[],
  yAxis: object,
  valueText: (series: string, value: number) => string,
  points: number,
  anomalies: Anomaly[] = [],
): ChartModel {
  const markers = annotationMarkers(annotations, range, palette);
  const [first, ...rest] = series;
  return {
    kind: 'ready',
    points,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      legend: topRightLegend(palette, 8),
      tooltip: withAnomalyNotes(tooltip(palette, range, annotations, valueText), anomalies, range.bucket_ms, palette),
      xAxis: timeXAxis(range, palette),
      yAxis,
      series: [{ ...first, ...markers } as LineSeriesOption, ...rest, ...markerSeries(anomalies, palette)],
    },
  };
}

/** A rate per bucket as a line with a light area under it; gaps stay breaks. */
function rateLine(name: string, color: string, points: { t: number; rate: number | null }[], showSymbol: boolean): LineSeriesOption {
  return {
    name,
    type: 'line',
    data: points.map((p): TimePair => [p.t, p.rate]),
    connectNulls: false,
    showSymbol,
    smooth: 0.2,
    lineStyle: { width: 2.5, color },
    itemStyle: { color },
    areaStyle: { color, opacity: 0.08 },
  };
}

const EMPTY_TIME = { kind: 'empty' as const, reason: 'No events in this time range.', hint: 'Widen the time range or clear the filters.' };

export interface PercentileChartText {
  /** Why a chart with no values is empty, and what to do. */
  reason: string;
  hint: string;
}

/** p50 / p90 / p95 / p99 lines over time. */
export function percentileLinesModel(
  points: PercentilePoint[],
  range: OverviewRange,
  annotations: Annotation[],
  palette: Palette,
  empty: PercentileChartText,
  anomalies: Anomaly[] = [],
): ChartModel {
  const withValues = points.filter((p) => p.p50 !== null);
  if (withValues.length === 0) return { kind: 'empty', ...empty };
  const levels = [
    ['p50', palette.success],
    ['p90', palette.primary],
    ['p95', palette.warning],
    ['p99', palette.danger],
  ] as const;
  const series: LineSeriesOption[] = levels.map(([level, color]) => ({
    name: level,
    type: 'line',
    data: points.map((p): TimePair => [p.t, p[level]]),
    connectNulls: false,
    showSymbol: withValues.length === 1,
    symbolSize: 6,
    smooth: 0.2,
    lineStyle: { width: level === 'p50' ? 2.5 : 1.8, color },
    itemStyle: { color },
  }));
  return timeChart(
    range,
    palette,
    annotations,
    series,
    {
      type: 'value',
      ...axisStyle(palette),
      axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatDuration(v) },
    },
    (_, value) => formatDuration(value),
    withValues.length,
    anomalies,
  );
}

/** Error rate per bucket (line) over the calls per bucket (faint bars). */
export function errorRateModel(
  points: ErrorPoint[],
  range: OverviewRange,
  annotations: Annotation[],
  palette: Palette,
  anomalies: Anomaly[] = [],
): ChartModel {
  const withCalls = points.filter((p) => (p.calls ?? 0) > 0);
  if (withCalls.length === 0) return EMPTY_TIME;
  const maxRate = Math.max(...withCalls.map((p) => p.rate ?? 0));
  const series: (LineSeriesOption | BarSeriesOption)[] = [
    { ...rateLine('Error rate', palette.danger, points, withCalls.length === 1), yAxisIndex: 0, z: 3 },
    {
      name: 'Calls',
      type: 'bar',
      yAxisIndex: 1,
      data: points.map((p): TimePair => [p.t, p.calls]),
      barMaxWidth: 14,
      itemStyle: { color: palette.neutral, opacity: 0.18, borderRadius: [2, 2, 0, 0] },
      z: 1,
    },
  ];
  return timeChart(
    range,
    palette,
    annotations,
    series,
    [
      {
        type: 'value',
        min: 0,
        max: maxRate > 0 ? undefined : 0.05,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatRatio(v, v < 0.1 ? 1 : 0) },
      },
      {
        type: 'value',
        ...axisStyle(palette),
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v) },
      },
    ],
    (series, value) => (series === 'Error rate' ? formatRatio(value, 2) : formatCompact(value)),
    withCalls.length,
    anomalies,
  );
}

/** Errors per bucket stacked by error type, in the API's order (most errors first). */
export function errorsByTypeModel(points: ErrorPoint[], types: string[], range: OverviewRange, palette: Palette): ChartModel {
  if (types.length === 0) {
    return { kind: 'empty', reason: 'No errors in this time range.', hint: 'Every call in range succeeded.' };
  }
  const series: BarSeriesOption[] = types.map((type, idx) => ({
    name: type,
    type: 'bar',
    stack: 'errors',
    data: points.map((p): TimePair => [p.t, p.calls === null ? null : (p.by_type[type] ?? 0)]),
    barMaxWidth: 18,
    itemStyle: {
      color: palette.series[(idx + 3) % palette.series.length],
      borderRadius: idx === types.length - 1 ? [3, 3, 0, 0] : 0,
    },
    emphasis: { focus: 'series' },
  }));
  const withErrors = points.filter((p) => Object.keys(p.by_type).length > 0).length;
  return {
    kind: 'ready',
    points: withErrors,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      legend: { ...topRightLegend(palette, 8), type: 'scroll', left: 0 },
      tooltip: { ...tooltip(palette, range, [], (_, value) => formatCompact(value)), axisPointer: { type: 'shadow' } },
      xAxis: timeXAxis(range, palette),
      yAxis: {
        type: 'value',
        minInterval: 1,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v) },
      },
      series,
    },
  };
}

/** Gateway cache hit rate per bucket. */
export function cacheHitModel(
  points: { t: number; rate: number | null }[],
  range: OverviewRange,
  annotations: Annotation[],
  palette: Palette,
): ChartModel {
  const withValues = points.filter((p) => p.rate !== null);
  if (withValues.length === 0) return EMPTY_TIME;
  if (withValues.every((p) => p.rate === 0)) {
    return {
      kind: 'empty',
      reason: 'No cache hits in this time range.',
      hint: 'Send cache_hit: true for calls your gateway answered from its cache.',
    };
  }
  const series: LineSeriesOption[] = [rateLine('Cache hit rate', palette.success, points, withValues.length === 1)];
  return timeChart(
    range,
    palette,
    annotations,
    series,
    {
      type: 'value',
      min: 0,
      ...axisStyle(palette),
      axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatRatio(v, v < 0.1 ? 1 : 0) },
    },
    (_, value) => formatRatio(value, 1),
    withValues.length,
  );
}
