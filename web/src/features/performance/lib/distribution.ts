// Prepare layer of the latency distribution per model: a horizontal violin (density over the
// whisker range) with a box plot inside (quartiles, median, whiskers) and the sampled outliers as
// dots, on a log latency axis (models differ by orders of magnitude). The violin's thickness is
// the share of calls per unit of log-latency, scaled so each model's densest part fills its row.
import type { CustomSeriesOption } from 'echarts/charts';
import type { ModelDistribution } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatDuration } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** Latencies below this are drawn at it: a log axis has no zero. */
export const MIN_DRAWN_MS = 0.1;

const clamp = (ms: number) => Math.max(ms, MIN_DRAWN_MS);

/** Thickness of each density bar, 0..1 (1 = the model's densest part), per unit of log-latency. */
export function violinProfile(model: ModelDistribution): { lo: number; hi: number; thickness: number }[] {
  const bars = model.density.map((bar) => {
    const lo = clamp(bar.lo);
    const hi = Math.max(clamp(bar.hi), lo * 1.0001);
    return { lo, hi, density: bar.share / Math.log(hi / lo) };
  });
  const densest = Math.max(0, ...bars.map((bar) => bar.density));
  return bars.map((bar) => ({ lo: bar.lo, hi: bar.hi, thickness: densest > 0 ? bar.density / densest : 0 }));
}

type RenderItem = NonNullable<CustomSeriesOption['renderItem']>;
type RenderApi = Parameters<RenderItem>[1];

function violinShape(model: ModelDistribution, row: number, api: RenderApi, half: number) {
  const profile = violinProfile(model);
  const centre = api.coord([clamp(model.median), row])[1]!;
  const top: number[][] = [[api.coord([clamp(model.whisker_low), row])[0]!, centre]];
  for (const bar of profile) {
    const x = api.coord([Math.sqrt(bar.lo * bar.hi), row])[0]!;
    top.push([x, centre - half * Math.max(bar.thickness, 0.04)]);
  }
  top.push([api.coord([clamp(model.whisker_high), row])[0]!, centre]);
  const bottom = top.slice(1, -1).map(([x, y]) => [x!, 2 * centre - y!]).reverse();
  return [...top, ...bottom];
}

export function violinModel(models: ModelDistribution[], palette: Palette): ChartModel {
  if (models.length === 0) {
    return {
      kind: 'empty',
      reason: 'No latencies recorded in this time range.',
      hint: 'Send latency_ms with each event (end-to-end duration in milliseconds).',
    };
  }
  // First model at the top.
  const rows = [...models].reverse();
  const colorOf = (row: number) => palette.series[(rows.length - 1 - row) % palette.series.length]!;

  const renderItem: RenderItem = (params, api) => {
    const row = Number(api.value(0));
    const model = rows[row]!;
    const band = (api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 20;
    const half = band * 0.42;
    const color = colorOf(row);
    const y = api.coord([clamp(model.median), row])[1]!;
    const x = (ms: number) => api.coord([clamp(ms), row])[0]!;
    const box = band * 0.12;
    const coordSys = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
    return {
      type: 'group',
      clipPath: { type: 'rect', shape: { x: coordSys.x, y: coordSys.y, width: coordSys.width, height: coordSys.height } },
      children: [
        {
          type: 'polygon',
          shape: { points: violinShape(model, row, api, half), smooth: 0.25 },
          style: { fill: color, opacity: 0.22, stroke: color, lineWidth: 1 },
        },
        { type: 'line', shape: { x1: x(model.whisker_low), y1: y, x2: x(model.q1), y2: y }, style: { stroke: palette.text, lineWidth: 1 } },
        { type: 'line', shape: { x1: x(model.q3), y1: y, x2: x(model.whisker_high), y2: y }, style: { stroke: palette.text, lineWidth: 1 } },
        { type: 'line', shape: { x1: x(model.whisker_low), y1: y - box / 2, x2: x(model.whisker_low), y2: y + box / 2 }, style: { stroke: palette.text, lineWidth: 1 } },
        { type: 'line', shape: { x1: x(model.whisker_high), y1: y - box / 2, x2: x(model.whisker_high), y2: y + box / 2 }, style: { stroke: palette.text, lineWidth: 1 } },
        {
          type: 'rect',
          shape: { x: x(model.q1), y: y - box, width: Math.max(1, x(model.q3) - x(model.q1)), height: box * 2, r: 2 },
          style: { fill: color, stroke: palette.text, lineWidth: 1 },
        },
        { type: 'line', shape: { x1: x(model.median), y1: y - box * 1.4, x2: x(model.median), y2: y + box * 1.4 }, style: { stroke: palette.background, lineWidth: 2.5 } },
      ],
    } as ReturnType<RenderItem>;
  };

  const outliers = rows.flatMap((model, row) => model.outliers.map((ms) => [clamp(ms), row]));
  const lowest = Math.min(...rows.map((m) => clamp(Math.min(m.whisker_low, ...m.outliers))));
  const highest = Math.max(...rows.map((m) => clamp(Math.max(m.whisker_high, ...m.outliers))));

  return {
    kind: 'ready',
    points: models.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 20, top: 12, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as { seriesName?: string; value?: number[]; data?: number[] };
          const row = Number(param.value?.[param.seriesName === 'Outliers' ? 1 : 0]);
          const model = rows[row];
          if (!model) return '';
          if (param.seriesName === 'Outliers') {
            return tooltipTitle(model.model) + tooltipRow(palette.neutral, 'Outlier', formatDuration(Number(param.value?.[0])));
          }
          const color = colorOf(row);
          return (
            tooltipTitle(`${model.model} · ${formatCompact(model.calls)} calls`) +
            tooltipRow(color, 'Max', formatDuration(model.max)) +
            tooltipRow(color, 'Upper whisker', formatDuration(model.whisker_high)) +
            tooltipRow(color, 'Q3 (p75)', formatDuration(model.q3)) +
            tooltipRow(color, 'Median', formatDuration(model.median)) +
            tooltipRow(color, 'Q1 (p25)', formatDuration(model.q1)) +
            tooltipRow(color, 'Lower whisker', formatDuration(model.whisker_low)) +
            tooltipRow(color, 'Min', formatDuration(model.min))
          );
        },
      },
      xAxis: {
        type: 'log',
        min: lowest / 1.3,
        max: highest * 1.3,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatDuration(v) },
      },
      yAxis: {
        type: 'category',
        data: rows.map((m) => m.model),
        ...axisStyle(palette),
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, width: 120, overflow: 'truncate' },
      },
      media: [{ query: { maxWidth: 520 }, option: { yAxis: { axisLabel: { width: 84, fontSize: 10 } } } }],
      series: [
        {
          name: 'Latency',
          type: 'custom',
          renderItem,
          encode: { y: 0, x: [1, 2] },
          data: rows.map((m, row) => [row, clamp(m.whisker_low), clamp(m.whisker_high)]),
          z: 2,
        },
        {
          name: 'Outliers',
          type: 'scatter',
          data: outliers,
          symbolSize: 4,
          itemStyle: { color: palette.neutral, opacity: 0.7 },
          z: 3,
        },
      ],
    },
  };
}
