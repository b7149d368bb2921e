// Prepare layer of the head-to-head bars: one metric at a time, one bar per model, the best bar
// marked, and the 95 % interval drawn as a whisker where the API has one (quality, error rate).
import type { ModelComparison } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';
import { formatValue, modelColors, scoreLabel, type ModelMetric } from './metrics';
import { whiskerRenderItem } from './whiskers';

interface ItemParam {
  dataIndex?: number;
  color?: unknown;
}

export interface Bar {
  model: string;
  value: number | null;
  interval: [number, number] | null;
  best: boolean;
}

export function headToHeadBars(comparison: ModelComparison, metric: ModelMetric): Bar[] {
  const bars = comparison.models.map((model) => ({
    model: model.model,
    value: metric.value(model, comparison.quality),
    interval: metric.interval?.(model, comparison.quality) ?? null,
    best: false,
  }));
  const values = bars.map((b) => b.value).filter((v): v is number => v !== null);
  if (values.length > 1) {
    const best = metric.better === 'higher' ? Math.max(...values) : Math.min(...values);
    for (const bar of bars) bar.best = bar.value === best;
  }
  return bars;
}

export function headToHeadModel(comparison: ModelComparison, metric: ModelMetric, palette: Palette): ChartModel {
  const bars = headToHeadBars(comparison, metric);
  const drawn = bars.filter((b) => b.value !== null);
  const label = metric.key === 'quality' ? `Quality (${scoreLabel(comparison.quality)})` : metric.label;
  if (drawn.length === 0) {
    return {
      kind: 'empty',
      reason: `No ${label.toLowerCase()} for these models.`,
      hint: metric.key === 'ttft' ? 'TTFT is measured on streamed calls only.' : 'Widen the time range or pick other models.',
    };
  }
  const colors = modelColors(comparison, palette.series);
  const whiskers = bars.flatMap((bar, idx) => (bar.interval ? [[idx, bar.interval[0], bar.interval[1]]] : []));
  return {
    kind: 'ready',
    points: drawn.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as ItemParam;
          const bar = bars[param.dataIndex ?? -1];
          if (!bar) return '';
          const color = String(param.color ?? palette.primary);
          const ci = bar.interval
            ? tooltipRow(color, '95% CI', `${formatValue(metric.unit, bar.interval[0])} – ${formatValue(metric.unit, bar.interval[1])}`)
            : '';
          return tooltipTitle(bar.model) + tooltipRow(color, label, bar.value === null ? 'no data' : formatValue(metric.unit, bar.value)) + ci;
        },
      },
      xAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatValue(metric.unit, v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: bars.map((b) => b.model),
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, width: 150, overflow: 'truncate' },
      },
      series: [
        {
          name: label,
          type: 'bar',
          barMaxWidth: 22,
          data: bars.map((bar) => ({
            value: bar.value ?? '-',
            itemStyle: { color: colors.get(bar.model) ?? palette.primary, borderRadius: [0, 4, 4, 0], opacity: bar.best ? 1 : 0.75 },
          })),
          label: {
            show: true,
            position: 'right',
            color: palette.textMuted,
            fontSize: 11,
            formatter: (param: { dataIndex: number }) => {
              const bar = bars[param.dataIndex];
              return bar && bar.value !== null ? `${formatValue(metric.unit, bar.value)}${bar.best ? ' ★' : ''}` : 'no data';
            },
          },
        },
        {
          name: '95% CI',
          type: 'custom',
          silent: true,
          z: 3,
          encode: { x: [1, 2], y: 0 },
          data: whiskers,
          renderItem: whiskerRenderItem(palette.text),
        },
      ],
    },
  };
}
