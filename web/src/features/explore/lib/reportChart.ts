// Prepare layer of the report builder's preview: a POST /api/v1/query answer (columns + rows) as
// the chosen chart. With a time bucket, line/bar/area draw one series per group (of the first
// metric), or one per metric when there is no group-by; without one, the groups are categories.
// A pie draws the first metric per group; a heatmap time × group, or group × group. Buckets with
// no events are gaps (null), never zeros.
import { format } from 'date-fns';
import type { Cell, QueryResult, ReportChart } from '../../../api/types';
import { axisStyle, baseOption, bucketPattern, topRightLegend, type ChartModel, type ChartOption } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';
import { metricLabel } from './spec';
import { isLonePoint } from '../../../lib/lonePoint';

/** Series drawn at most: more lines or slices are unreadable (the table has every row). */
export const MAX_SERIES = 10;
/** Categories (bars, heatmap rows) drawn at most. */
export const MAX_CATEGORIES = 30;

export interface ReportShape {
  chart: ReportChart;
  groupBy: string[];
  metrics: string[];
}

const NONE = '(none)';

function text(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? NONE : String(cell);
}

function num(cell: Cell | undefined): number | null {
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : null;
}

interface Indexed {
  t: number;
  groups: number[];
  metrics: number[];
}

function indexColumns(result: QueryResult, shape: ReportShape): Indexed {
  const at = (name: string) => result.columns.indexOf(name);
  return { t: at('t'), groups: shape.groupBy.map(at), metrics: shape.metrics.map(at) };
}

function keyOf(row: Cell[], groups: number[]): string {
  return groups.length === 0 ? 'all' : groups.map((g) => text(row[g])).join(' · ');
}

/** The `limit` keys with the largest total of `metric`, largest first. */
function topKeys(rows: Cell[][], key: (row: Cell[]) => string, metric: number, limit: number): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + Math.abs(num(row[metric]) ?? 0));
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k]) => k);
}

const empty = (reason: string, hint: string): ChartModel => ({ kind: 'empty', reason, hint });

function timeSeriesOption(result: QueryResult, shape: ReportShape, idx: Indexed, palette: Palette): ChartModel {
  const times = [...new Set(result.rows.map((row) => num(row[idx.t])).filter((t): t is number => t !== null))].sort((a, b) => a - b);
  const step = times.length > 1 ? Math.min(...times.slice(1).map((t, i) => t - times[i]!)) : 0;
  const lines: { name: string; values: Map<number, number | null> }[] = [];
  if (shape.groupBy.length > 0) {
    const metric = idx.metrics[0]!;
    const key = (row: Cell[]) => keyOf(row, idx.groups);
    for (const name of topKeys(result.rows, key, metric, MAX_SERIES)) lines.push({ name, values: new Map() });
    const byName = new Map(lines.map((line) => [line.name, line]));
    for (const row of result.rows) byName.get(key(row))?.values.set(num(row[idx.t])!, num(row[metric]));
  } else {
    idx.metrics.forEach((metric, m) => {
      const values = new Map<number, number | null>();
      for (const row of result.rows) values.set(num(row[idx.t])!, num(row[metric]));
      lines.push({ name: metricLabel(shape.metrics[m]!), values });
    });
  }
  const stacked = shape.chart === 'area' || (shape.chart === 'bar' && shape.groupBy.length > 0);
  let points = 0;
  const series = lines.map((line) => {
    const data = times.map((t) => {
      const value = line.values.get(t) ?? null;
      if (value !== null) points++;
      return [t, value] as [number, number | null];
    });
    return {
      type: shape.chart === 'bar' ? ('bar' as const) : ('line' as const),
      name: line.name,
      data,
      showSymbol: isLonePoint(data),
      connectNulls: false,
      ...(stacked ? { stack: 'total' } : {}),
      ...(shape.chart === 'area' ? { areaStyle: { opacity: 0.35 } } : {}),
    };
  });
  const option: ChartOption = {
    ...baseOption(palette),
    tooltip: { ...(baseOption(palette).tooltip as object), trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v) },
    legend: { ...topRightLegend(palette, 8), type: 'scroll', left: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'time', ...axisStyle(palette), splitLine: { show: false }, axisLabel: { ...axisStyle(palette).axisLabel, formatter: (t: number) => format(t, step > 0 && step < 86_400_000 ? 'MMM d HH:mm' : 'MMM d') } },
    yAxis: { type: 'value', ...axisStyle(palette) },
    series,
  };
  return points > 0 ? { kind: 'ready', option, points } : empty('No values to draw.', 'Every bucket is empty for this metric; try another metric or a wider range.');
}

function formatValue(value: unknown): string {
  if (typeof value !== 'number') return 'no value';
  return Math.abs(value) >= 1000 ? value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Number(value.toPrecision(4)));
}

function categoryOption(result: QueryResult, shape: ReportShape, idx: Indexed, palette: Palette): ChartModel {
  const key = (row: Cell[]) => keyOf(row, idx.groups);
  const keys = topKeys(result.rows, key, idx.metrics[0]!, MAX_CATEGORIES);
  const rowsByKey = new Map(result.rows.map((row) => [key(row), row]));
  let points = 0;
  const series = idx.metrics.map((metric, m) => ({
    type: shape.chart === 'bar' ? ('bar' as const) : ('line' as const),
    name: metricLabel(shape.metrics[m]!),
    data: keys.map((k) => {
      const value = num(rowsByKey.get(k)?.[metric]);
      if (value !== null) points++;
      return value;
    }),
    ...(shape.chart === 'area' ? { areaStyle: { opacity: 0.35 }, stack: 'total' } : {}),
  }));
  const option: ChartOption = {
    ...baseOption(palette),
    tooltip: { ...(baseOption(palette).tooltip as object), trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v) },
    legend: { ...topRightLegend(palette, 8), type: 'scroll', left: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', name: shape.groupBy.join(' · ') || undefined, nameLocation: 'middle', nameGap: 28, data: keys, ...axisStyle(palette), axisLabel: { ...axisStyle(palette).axisLabel, rotate: keys.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', ...axisStyle(palette) },
    series,
  };
  return points > 0 ? { kind: 'ready', option, points } : empty('No values to draw.', 'The groups have no value for this metric.');
}

function pieOption(result: QueryResult, shape: ReportShape, idx: Indexed, palette: Palette): ChartModel {
  if (shape.groupBy.length === 0) return empty('A pie needs a group-by.', 'Pick a dimension to group by (model, provider, team, ...).');
  const metric = idx.metrics[0]!;
  const key = (row: Cell[]) => keyOf(row, idx.groups);
  const keys = topKeys(result.rows, key, metric, MAX_SERIES);
  const rowsByKey = new Map(result.rows.map((row) => [key(row), row]));
  const data = keys
    .map((name) => ({ name, value: num(rowsByKey.get(name)?.[metric]) }))
    .filter((slice): slice is { name: string; value: number } => slice.value !== null && slice.value > 0);
  if (data.length === 0) return empty('No positive values to draw.', 'A pie shows shares; pick a metric such as count or sum:cost_usd.');
  const option: ChartOption = {
    ...baseOption(palette),
    tooltip: { ...(baseOption(palette).tooltip as object), trigger: 'item', valueFormatter: (v: unknown) => formatValue(v) },
    legend: { ...topRightLegend(palette, 8), type: 'scroll', left: 0 },
    series: [
      {
        type: 'pie',
        name: metricLabel(shape.metrics[0]!),
        radius: ['40%', '68%'],
        center: ['50%', '56%'],
        itemStyle: { borderColor: palette.background, borderWidth: 2, borderRadius: 4 },
        label: { color: palette.textMuted, formatter: '{b}: {d}%' },
        data,
      },
    ],
  };
  return { kind: 'ready', option, points: data.length };
}

function heatmapOption(result: QueryResult, shape: ReportShape, idx: Indexed, palette: Palette): ChartModel {
  const metric = idx.metrics[0]!;
  let xOf: (row: Cell[]) => string;
  let yOf: (row: Cell[]) => string;
  let xKeys: string[];
  if (idx.t >= 0 && shape.groupBy.length >= 1) {
    const times = [...new Set(result.rows.map((row) => num(row[idx.t])).filter((t): t is number => t !== null))].sort((a, b) => a - b);
    const step = times.length > 1 ? times[1]! - times[0]! : 0;
    const label = (t: number) => format(t, bucketPattern(step));
    xOf = (row) => label(num(row[idx.t]) ?? 0);
    xKeys = times.map(label);
    yOf = (row) => keyOf(row, idx.groups);
  } else if (idx.t < 0 && shape.groupBy.length >= 2) {
    xOf = (row) => text(row[idx.groups[0]!]);
    yOf = (row) => keyOf(row, idx.groups.slice(1));
    xKeys = topKeys(result.rows, xOf, metric, MAX_CATEGORIES);
  } else {
    return empty('A heatmap needs two axes.', 'Group by one dimension with a time bucket, or by two dimensions without one.');
  }
  const yKeys = topKeys(result.rows, yOf, metric, MAX_CATEGORIES).reverse();
  const xAt = new Map(xKeys.map((k, i) => [k, i]));
  const yAt = new Map(yKeys.map((k, i) => [k, i]));
  const data: [number, number, number][] = [];
  for (const row of result.rows) {
    const x = xAt.get(xOf(row));
    const y = yAt.get(yOf(row));
    const value = num(row[metric]);
    if (x !== undefined && y !== undefined && value !== null) data.push([x, y, value]);
  }
  if (data.length === 0) return empty('No values to draw.', 'The groups have no value for this metric.');
  const values = data.map((d) => d[2]);
  const option: ChartOption = {
    ...baseOption(palette),
    tooltip: { ...(baseOption(palette).tooltip as object), trigger: 'item' },
    grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: xKeys, ...axisStyle(palette), splitLine: { show: false } },
    yAxis: { type: 'category', data: yKeys, ...axisStyle(palette), splitLine: { show: false } },
    visualMap: {
      min: Math.min(...values),
      max: Math.max(...values),
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      textStyle: { color: palette.textMuted },
      inRange: { color: [palette.surface, palette.primary] },
    },
    series: [{ type: 'heatmap', name: metricLabel(shape.metrics[0]!), data }],
  };
  return { kind: 'ready', option, points: data.length };
}

/** The preview chart of a query answer; a table-only report has no chart. */
export function reportChartModel(result: QueryResult, shape: ReportShape, palette: Palette): ChartModel {
  if (result.rows.length === 0) return empty('No events match.', 'Widen the time range or clear some filters.');
  if (shape.metrics.length === 0) return empty('No metric chosen.', 'Add a metric such as count or sum:cost_usd.');
  const idx = indexColumns(result, shape);
  switch (shape.chart) {
    case 'table':
      return empty('This report is a table.', 'Pick a chart type to draw it.');
    case 'pie':
      return pieOption(result, shape, idx, palette);
    case 'heatmap':
      return heatmapOption(result, shape, idx, palette);
    default:
      return idx.t >= 0 ? timeSeriesOption(result, shape, idx, palette) : categoryOption(result, shape, idx, palette);
  }
}
