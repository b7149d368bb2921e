// Prepare layer of the cost-vs-quality scatter: one point per model (cost per 1K tokens against
// the mean of the chosen score), the Pareto frontier drawn as a line through its models from the
// cheapest up. A log cost axis when prices span more than a decade.
import type { ModelComparison } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { modelColors, scoreLabel } from './metrics';

interface ItemParam {
  seriesIndex?: number;
  dataIndex?: number;
  color?: unknown;
}

/** The frontier's points in cost order: what the line joins. */
export function frontierPoints(comparison: ModelComparison): [number, number][] {
  return comparison.cost_quality.points
    .filter((p) => p.pareto)
    .sort((a, b) => a.cost_per_1k_usd - b.cost_per_1k_usd)
    .map((p) => [p.cost_per_1k_usd, p.quality]);
}

export function costQualityModel(comparison: ModelComparison, palette: Palette): ChartModel {
  const points = comparison.cost_quality.points;
  if (points.length === 0) {
    return {
      kind: 'empty',
      reason: comparison.quality ? 'No model has both a cost and a quality score.' : 'No quality scores for these models.',
      hint: 'Send scores with your events ("scores": {"quality": 0.9}) and price them (cost_usd or a known model).',
    };
  }
  const colors = modelColors(comparison, palette.series);
  const costs = points.map((p) => p.cost_per_1k_usd).filter((c) => c > 0);
  const logAxis = costs.length === points.length && Math.max(...costs) / Math.min(...costs) > 10;
  const label = scoreLabel(comparison.quality);
  return {
    kind: 'ready',
    points: points.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as ItemParam;
          if (param.seriesIndex !== 1) return '';
          const point = points[param.dataIndex ?? -1];
          if (!point) return '';
          const color = String(param.color ?? palette.primary);
          const ci = point.ci95 ? ` (95% CI ${point.ci95[0].toFixed(3)}–${point.ci95[1].toFixed(3)})` : '';
          return (
            tooltipTitle(point.model) +
            tooltipRow(color, 'Cost / 1K tokens', formatUsd(point.cost_per_1k_usd)) +
            tooltipRow(color, `Mean ${label}`, `${point.quality.toFixed(3)}${ci}`) +
            tooltipRow(color, 'Scored calls', formatCompact(point.n)) +
            tooltipRow(color, 'Pareto frontier', point.pareto ? 'yes' : 'no — another model is cheaper and better')
          );
        },
      },
      xAxis: {
        type: logAxis ? 'log' : 'value',
        name: 'Cost / 1K tokens',
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: { color: palette.textMuted, fontSize: 11 },
        scale: true,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatUsd(v) },
      },
      yAxis: {
        type: 'value',
        name: `Mean ${label}`,
        nameTextStyle: { color: palette.textMuted, fontSize: 11, align: 'left' },
        scale: true,
        ...axisStyle(palette),
      },
      series: [
        {
          name: 'Pareto frontier',
          type: 'line',
          data: frontierPoints(comparison),
          symbol: 'none',
          silent: true,
          lineStyle: { color: palette.success, width: 2, type: 'dashed' },
          z: 1,
        },
        {
          name: 'Models',
          type: 'scatter',
          symbolSize: 14,
          z: 2,
          data: points.map((p) => ({
            value: [p.cost_per_1k_usd, p.quality],
            name: p.model,
            itemStyle: {
              color: colors.get(p.model) ?? palette.primary,
              borderColor: p.pareto ? palette.success : palette.background,
              borderWidth: p.pareto ? 3 : 1,
            },
          })),
          label: {
            show: true,
            position: 'top',
            formatter: (param: { name?: string }) => param.name ?? '',
            color: palette.text,
            fontSize: 11,
            lineHeight: 16,
          },
          // Labels of nearby models are pushed apart vertically, with a leader line to their point.
          labelLayout: { moveOverlap: 'shiftY' },
          labelLine: { show: true, length2: 4, lineStyle: { color: palette.border } },
        },
      ],
    },
  };
}
