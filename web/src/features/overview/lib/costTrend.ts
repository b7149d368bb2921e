// Prepare layer of the cost trend chart: cost per bucket plus the 30-day rolling mean, and the
// cost anomalies of the range as red points whose sentences the bucket's tooltip shows.
import type { TooltipComponentOption } from 'echarts/components';
import type { Anomaly, CostTrendPoint, OverviewRange } from '../../../api/types';
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
import { formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { ANOMALY_SERIES, anomaliesInBucket, anomalySeries, anomalyTooltip } from './anomalies';
import { isLonePoint } from '../../../lib/lonePoint';

/** The axis tooltip without the anomaly points' own row, then the sentences of the bucket's anomalies. */
function costTooltip(palette: Palette, range: OverviewRange, anomalies: Anomaly[]): TooltipComponentOption {
  const base = timeAxisTooltip(palette, bucketPattern(range.bucket_ms), (_, value) => formatUsd(value));
  const format = base.formatter as (raw: unknown) => string;
  return {
    ...base,
    formatter: (raw: unknown) => {
      const params = (Array.isArray(raw) ? raw : [raw]) as { seriesName?: string; axisValue?: unknown }[];
      const lines = params.filter((p) => p.seriesName !== ANOMALY_SERIES);
      const t = Number(params[0]?.axisValue);
      const notes = Number.isFinite(t) ? anomaliesInBucket(anomalies, t, range.bucket_ms) : [];
      return format(lines) + notes.map((a) => anomalyTooltip(a, palette)).join('');
    },
  };
}

export function costTrendModel(
  points: CostTrendPoint[],
  range: OverviewRange,
  palette: Palette,
  anomalies: Anomaly[] = [],
): ChartModel {
  const priced = points.filter((p) => p.cost_usd !== null);
  if (points.length === 0 || priced.length === 0) {
    return {
      kind: 'empty',
      reason: points.length === 0 ? 'No events in this time range.' : 'No priced events in this time range.',
      hint:
        points.length === 0
          ? 'Widen the time range or clear filters.'
          : 'Send cost_usd with each event, or add the model to the price catalogue with --prices.',
    };
  }
  const filled = fillGaps(points, range.bucket_ms, (t) => ({ t, cost_usd: null, rolling_30d: null }));
  const cost: TimePair[] = filled.map((p) => [p.t, p.cost_usd]);
  const rolling: TimePair[] = filled.map((p) => [p.t, p.rolling_30d]);

  return {
    kind: 'ready',
    points: priced.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: {
        ...topRightLegend(palette, 4),
        data: ['Cost', '30-day rolling avg', ...(anomalies.length > 0 ? [ANOMALY_SERIES] : [])],
      },
      tooltip: costTooltip(palette, range, anomalies),
      xAxis: timeXAxis(range, palette),
      yAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatUsd(v) },
      },
      series: [
        {
          name: 'Cost',
          type: 'line',
          data: cost,
          connectNulls: false,
          showSymbol: isLonePoint(cost),
          symbolSize: 6,
          smooth: 0.2,
          lineStyle: { width: 2, color: palette.primary },
          itemStyle: { color: palette.primary },
          areaStyle: {
            color: {
              type: 'linear',
              x: 0,
              y: 0,
              x2: 0,
              y2: 1,
              colorStops: [
                { offset: 0, color: `${palette.primary}40` },
                { offset: 1, color: `${palette.primary}00` },
              ],
            },
          },
        },
        {
          name: '30-day rolling avg',
          type: 'line',
          data: rolling,
          connectNulls: false,
          showSymbol: isLonePoint(rolling),
          smooth: 0.3,
          lineStyle: { width: 2, type: 'dashed', color: palette.warning },
          itemStyle: { color: palette.warning },
        },
        ...(anomalies.length > 0 ? [anomalySeries(anomalies, palette)] : []),
      ],
    },
  };
}
