// Prepare layer of the radar: one polygon per model over the server's normalised axes (0 = worst
// of the compared models, 1 = best; direction-aware, docs/api.md). Missing values are gaps.
import type { ModelComparison } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';
import { formatValue, modelColors, shortLabel } from './metrics';

interface ItemParam {
  dataIndex?: number;
  color?: unknown;
}

export function radarModel(comparison: ModelComparison, palette: Palette): ChartModel {
  const { axes, series } = comparison.radar;
  const drawn = series.filter((s) => s.values.some((v) => v !== null));
  if (axes.length < 3 || drawn.length === 0) {
    return {
      kind: 'empty',
      reason: 'Not enough figures to draw a radar.',
      hint: 'Pick models with calls in this time range; each axis needs at least one model with a value.',
    };
  }
  const colors = modelColors(comparison, palette.series);
  return {
    kind: 'ready',
    points: drawn.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0),
    option: {
      ...baseOption(palette),
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as ItemParam;
          const one = series[param.dataIndex ?? -1];
          if (!one) return '';
          const color = String(param.color ?? palette.primary);
          return (
            tooltipTitle(one.model) +
            axes
              .map((axis, idx) => {
                const norm = one.values[idx];
                const text = `${formatValue(axis.unit, one.raw[idx])}${norm === null || norm === undefined ? '' : `  (${norm.toFixed(2)})`}`;
                return tooltipRow(color, axis.label, norm === null ? 'no data' : text);
              })
              .join('')
          );
        },
      },
      radar: {
        center: ['50%', '52%'],
        radius: '64%',
        // Short names: the card is a third of the page wide. Colours are the model chips'.
        indicator: axes.map((axis) => ({ name: `${shortLabel(axis.metric, axis.label)} ${axis.better === 'lower' ? '↓' : '↑'}`, min: 0, max: 1 })),
        splitNumber: 4,
        axisName: { color: palette.textMuted, fontSize: 11 },
        splitLine: { lineStyle: { color: palette.border } },
        splitArea: { show: false },
        axisLine: { lineStyle: { color: palette.border } },
      },
      series: [
        {
          name: 'Models',
          type: 'radar',
          symbolSize: 5,
          data: series.map((one) => {
            const color = colors.get(one.model) ?? palette.primary;
            return {
              name: one.model,
              // '-' is ECharts' empty value: the point is left out, never drawn at 0.
              value: one.values.map((v) => (v === null ? '-' : v)),
              itemStyle: { color },
              lineStyle: { color, width: 2 },
              areaStyle: { color, opacity: 0.08 },
            };
          }),
        },
      ],
    },
  };
}
