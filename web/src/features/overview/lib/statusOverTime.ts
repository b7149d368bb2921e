// Prepare layer of success/failure over time: stacked ok/error counts and the error rate.
// Buckets without events are absent in the API; they stay gaps here (no bar, a break in the line).
import type { OverviewRange, StatusPoint } from '../../../api/types';
import {
  axisStyle,
  baseOption,
  bucketPattern,
  fillGaps,
  timeAxisTooltip,
  timeXAxis,
  topRightLegend,
  type ChartModel,
  type TimePair,
} from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { isLonePoint } from '../../../lib/lonePoint';

export function statusOverTimeModel(points: StatusPoint[], range: OverviewRange, palette: Palette): ChartModel {
  const total = (p: StatusPoint) => (p.ok ?? 0) + (p.error ?? 0);
  const withEvents = points.filter((p) => total(p) > 0);
  if (withEvents.length === 0) {
    return {
      kind: 'empty',
      reason: 'No events in this time range.',
      hint: 'Widen the time range or clear filters.',
    };
  }
  const filled = fillGaps(withEvents, range.bucket_ms, (t): StatusPoint => ({ t, ok: null, error: null, error_rate: null }));
  const isGap = (p: StatusPoint) => total(p) === 0;
  const ok: TimePair[] = filled.map((p) => [p.t, isGap(p) ? null : (p.ok ?? 0)]);
  const error: TimePair[] = filled.map((p) => [p.t, isGap(p) ? null : (p.error ?? 0)]);
  const rate: TimePair[] = filled.map((p) => [p.t, isGap(p) ? null : (p.error_rate ?? (p.error ?? 0) / total(p))]);
  const maxRate = Math.max(...rate.map(([, r]) => r ?? 0));

  return {
    kind: 'ready',
    points: withEvents.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: topRightLegend(palette, 8),
      tooltip: {
        ...timeAxisTooltip(palette, bucketPattern(range.bucket_ms), (series, value) =>
          series === 'Error rate' ? formatRatio(value, 2) : formatCompact(value),
        ),
        axisPointer: { type: 'shadow' },
      },
      xAxis: timeXAxis(range, palette),
      yAxis: [
        {
          type: 'value',
          ...axisStyle(palette),
          axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v) },
        },
        {
          type: 'value',
          min: 0,
          max: maxRate > 0 ? undefined : 0.05,
          ...axisStyle(palette),
          splitLine: { show: false },
          axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatRatio(v, v < 0.1 ? 1 : 0) },
        },
      ],
      series: [
        {
          name: 'Success',
          type: 'bar',
          stack: 'status',
          data: ok,
          barMaxWidth: 18,
          itemStyle: { color: palette.success },
        },
        {
          name: 'Error',
          type: 'bar',
          stack: 'status',
          data: error,
          barMaxWidth: 18,
          itemStyle: { color: palette.danger, borderRadius: [3, 3, 0, 0] },
        },
        {
          name: 'Error rate',
          type: 'line',
          yAxisIndex: 1,
          data: rate,
          connectNulls: false,
          showSymbol: isLonePoint(rate),
          smooth: 0.2,
          lineStyle: { width: 2, color: palette.warning },
          itemStyle: { color: palette.warning },
        },
      ],
    },
  };
}
