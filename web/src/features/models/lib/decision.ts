// The weighted decision matrix, computed in the browser so the ranking follows the weight sliders
// as they move. The same definition as the server's `decision` (docs/api.md): weights are
// normalised to sum 1; a model's score is Σ weight × normalised value over the weighted metrics,
// where a metric the model has no data for counts as the worst (0); ties go by model name.
import type { ModelComparison } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';
import { formatValue, shortLabel } from './metrics';

export type Weights = Record<string, number>;

/** The sliders' metrics: the radar's axes, which carry every model's normalised value. */
export function decisionMetrics(comparison: ModelComparison) {
  return comparison.radar.axes;
}

/** The server's weights for the metrics the sliders cover, as percentages (others 0). */
export function initialWeights(comparison: ModelComparison): Weights {
  const weights: Weights = {};
  for (const axis of comparison.radar.axes) weights[axis.metric] = 0;
  for (const { metric, weight } of comparison.decision.weights) {
    if (metric in weights) weights[metric] = Math.round(weight * 100);
  }
  return weights;
}

export interface RankedModel {
  model: string;
  rank: number;
  score: number;
  /** Share of the weight the model has data for. */
  coverage: number;
  cells: { metric: string; weight: number; value: number | null; normalized: number | null }[];
}

export function rankModels(comparison: ModelComparison, weights: Weights): RankedModel[] {
  const axes = comparison.radar.axes;
  const total = axes.reduce((sum, axis) => sum + Math.max(0, weights[axis.metric] ?? 0), 0);
  const rows = comparison.radar.series.map((series) => {
    const cells = axes.map((axis, idx) => ({
      metric: axis.metric,
      weight: total > 0 ? Math.max(0, weights[axis.metric] ?? 0) / total : 0,
      value: series.raw[idx] ?? null,
      normalized: series.values[idx] ?? null,
    }));
    return {
      model: series.model,
      rank: 0,
      score: cells.reduce((sum, c) => sum + c.weight * (c.normalized ?? 0), 0),
      coverage: cells.reduce((sum, c) => sum + (c.normalized === null ? 0 : c.weight), 0),
      cells,
    };
  });
  rows.sort((a, b) => (b.score !== a.score ? b.score - a.score : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  rows.forEach((row, idx) => (row.rank = idx + 1));
  return rows;
}

interface ItemParam {
  value?: [number, number, number | null];
  color?: unknown;
}

/** Rows: models by rank; columns: the weighted metrics, then the total score; colour = 0…1. */
export function decisionHeatmapModel(comparison: ModelComparison, weights: Weights, palette: Palette): ChartModel {
  const ranked = rankModels(comparison, weights);
  const axes = comparison.radar.axes.filter((axis) => (weights[axis.metric] ?? 0) > 0);
  if (ranked.length === 0 || axes.length === 0) {
    return {
      kind: 'empty',
      reason: ranked.length === 0 ? 'No models to rank.' : 'Every weight is 0.',
      hint: ranked.length === 0 ? 'Pick models with calls in this time range.' : 'Move a slider above 0 to rank the models.',
    };
  }
  const columns = [...axes.map((a) => shortLabel(a.metric, a.label)), 'Score'];
  const data: [number, number, number | null][] = [];
  ranked.forEach((row, y) => {
    axes.forEach((axis, x) => data.push([x, y, row.cells.find((c) => c.metric === axis.metric)?.normalized ?? null]));
    data.push([axes.length, y, row.score]);
  });
  return {
    kind: 'ready',
    points: data.filter((d) => d[2] !== null).length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 8, top: 8, bottom: 36, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const [x, y] = (raw as ItemParam).value ?? [0, 0, null];
          const row = ranked[y];
          if (!row) return '';
          const color = String((raw as ItemParam).color ?? palette.primary);
          if (x === axes.length) {
            return (
              tooltipTitle(`#${row.rank} ${row.model}`) +
              tooltipRow(color, 'Weighted score', row.score.toFixed(3)) +
              tooltipRow(color, 'Weight with data', `${Math.round(row.coverage * 100)}%`)
            );
          }
          const axis = axes[x]!;
          const cell = row.cells.find((c) => c.metric === axis.metric)!;
          return (
            tooltipTitle(`${row.model} · ${axis.label}`) +
            tooltipRow(color, 'Value', formatValue(axis.unit, cell.value)) +
            tooltipRow(color, `Normalised (${axis.better} is better)`, cell.normalized === null ? 'no data (counts 0)' : cell.normalized.toFixed(2)) +
            tooltipRow(color, 'Weight', `${Math.round(cell.weight * 100)}%`)
          );
        },
      },
      xAxis: {
        type: 'category',
        data: columns,
        position: 'top',
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: palette.textMuted, fontSize: 11, interval: 0, hideOverlap: false, width: 90, overflow: 'truncate' },
        splitArea: { show: false },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: ranked.map((r) => `#${r.rank} ${r.model}`),
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: palette.text, fontSize: 11, width: 170, overflow: 'truncate' },
      },
      visualMap: {
        min: 0,
        max: 1,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        itemWidth: 10,
        text: ['best', 'worst'],
        textStyle: { color: palette.textMuted, fontSize: 11 },
        inRange: { color: [palette.danger, palette.warning, palette.success] },
      },
      media: [
        {
          // Phones: short row names, the cells' colours without their text.
          query: { maxWidth: 480 },
          option: {
            yAxis: { axisLabel: { width: 96, fontSize: 10 } },
            xAxis: { axisLabel: { width: 48, fontSize: 10 } },
            series: [{ label: { show: false } }],
          },
        },
      ],
      series: [
        {
          name: 'Decision matrix',
          type: 'heatmap',
          data: data.map((d) => ({ value: [d[0], d[1], d[2] ?? '-'] })),
          itemStyle: { borderColor: palette.background, borderWidth: 2, borderRadius: 4 },
          label: {
            show: true,
            fontSize: 11,
            color: '#111827',
            formatter: (param: { value?: unknown }) => {
              const [x, y] = (param.value as [number, number] | undefined) ?? [0, 0];
              const row = ranked[y];
              if (!row) return '';
              if (x === axes.length) return row.score.toFixed(2);
              const axis = axes[x]!;
              const cell = row.cells.find((c) => c.metric === axis.metric);
              return cell?.normalized === null || cell === undefined ? 'n/a' : formatValue(axis.unit, cell.value);
            },
          },
        },
      ],
    },
  };
}
