// Prepare layer of "cost over time": one stacked area per series (a model, team, ...), gaps kept,
// and the total cost's anomalies as red points on the top of the stack (their sentences in the
// tooltip).
import type { Anomaly, CostOverTime, OverviewRange } from '../../../api/types';
import {
  axisStyle,
  baseOption,
  bucketPattern,
  timeAxisTooltip,
  timeXAxis,
  type ChartModel,
  type TimePair,
} from '../../../lib/chart';
import { formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { markerSeries, withAnomalyNotes } from '../../performance/lib/anomalyMarkers';
import { isLonePoint } from '../../../lib/lonePoint';

/** The metric whose anomalies the chart marks: the total cost per bucket. */
export const COST_METRIC = 'sum:cost_usd';

export function overTimeModel(
  overTime: CostOverTime,
  range: OverviewRange,
  palette: Palette,
  anomalies: Anomaly[] = [],
): ChartModel {
  const points = overTime.series.reduce(
    (n, series) => n + series.cost_usd.filter((value) => value !== null && value > 0).length,
    0,
  );
  if (overTime.series.length === 0 || points === 0) {
    return {
      kind: 'empty',
      reason: 'No priced calls in this time range.',
      hint: 'Widen the time range or clear filters; calls of models the catalogue cannot price are listed below.',
    };
  }
  return {
    kind: 'ready',
    points,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
      legend: {
        type: 'scroll',
        top: 0,
        left: 0,
        right: 0,
        icon: 'roundRect',
        itemWidth: 10,
        itemHeight: 10,
        textStyle: { color: palette.textMuted },
        pageTextStyle: { color: palette.textMuted },
      },
      tooltip: withAnomalyNotes(
        timeAxisTooltip(palette, bucketPattern(overTime.bucket_ms), (_, value) => formatUsd(value)),
        anomalies,
        overTime.bucket_ms,
        palette,
      ),
      xAxis: timeXAxis(range, palette),
      yAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatUsd(v) },
      },
      series: [
        ...overTime.series.map((series, idx) => {
          const color = palette.series[idx % palette.series.length]!;
          const data: TimePair[] = overTime.t.map((t, bucket) => [t, series.cost_usd[bucket] ?? null]);
          return {
            name: series.name,
            type: 'line' as const,
            stack: 'cost',
            data,
            connectNulls: false,
            showSymbol: isLonePoint(data),
            smooth: 0.2,
            lineStyle: { width: 1, color },
            itemStyle: { color },
            areaStyle: { color, opacity: 0.55 },
            emphasis: { focus: 'series' as const },
          };
        }),
        ...markerSeries(anomalies, palette),
      ],
    },
  };
}
