// Prepare layer of the latency objective: the form's values, and compliance per bucket against
// the target (a line with the target marked), from the API's `slo` section.
import type { LineSeriesOption } from 'echarts/charts';
import type { OverviewRange, PerformanceSlo } from '../../../api/types';
import {
  axisStyle,
  baseOption,
  bucketPattern,
  timeAxisTooltip,
  timeXAxis,
  topRightLegend,
  type ChartModel,
  type TimePair,
} from '../../../lib/chart';
import { formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export interface Slo {
  thresholdMs: number;
  /** Percent of calls that must meet it, 0 < target < 100. */
  target: number;
}

/** The objective from the form's text fields, or which field is wrong. */
export function parseSlo(thresholdText: string, targetText: string): { slo: Slo } | { field: 'threshold' | 'target'; error: string } {
  const thresholdMs = Number(thresholdText);
  if (!thresholdText.trim() || !Number.isFinite(thresholdMs) || thresholdMs <= 0) {
    return { field: 'threshold', error: 'A latency in milliseconds, above 0.' };
  }
  const target = Number(targetText);
  if (!targetText.trim() || !Number.isFinite(target) || target <= 0 || target >= 100) {
    return { field: 'target', error: 'A percentage above 0 and below 100, e.g. 99.' };
  }
  return { slo: { thresholdMs, target } };
}

export function sloModel(slo: PerformanceSlo, range: OverviewRange, palette: Palette): ChartModel {
  const measured = slo.over_time.filter((p) => p.compliance !== null);
  if (measured.length === 0) {
    return { kind: 'empty', reason: 'No calls with a latency in this range.', hint: 'Send latency_ms with each event.' };
  }
  const target = slo.target / 100;
  const lowest = Math.min(target, ...measured.map((p) => p.compliance!));
  const series: LineSeriesOption[] = [
    {
      name: 'Good calls',
      type: 'line',
      data: slo.over_time.map((p): TimePair => [p.t, p.compliance]),
      connectNulls: false,
      showSymbol: measured.length === 1,
      smooth: 0.2,
      lineStyle: { width: 2.5, color: palette.primary },
      itemStyle: { color: palette.primary },
      markLine: {
        symbol: ['none', 'none'],
        silent: true,
        data: [
          {
            yAxis: target,
            lineStyle: { color: palette.danger, type: 'dashed', width: 1.5 },
            label: { formatter: `target ${formatRatio(target, 1)}`, color: palette.danger, position: 'insideEndTop', fontSize: 11 },
          },
        ],
      },
    },
  ];
  return {
    kind: 'ready',
    points: measured.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      legend: topRightLegend(palette, 8),
      tooltip: timeAxisTooltip(palette, bucketPattern(range.bucket_ms), (_, value) => formatRatio(value, 2)),
      xAxis: timeXAxis(range, palette),
      yAxis: {
        type: 'value',
        min: Math.max(0, Math.floor((lowest - 0.02) * 100) / 100),
        max: 1,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatRatio(v, 0) },
      },
      series,
    },
  };
}
