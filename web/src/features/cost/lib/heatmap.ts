// Prepare layer of the hour × weekday heatmap: cost per cell in the report's time zone.
import type { HeatCell } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));

/** [hour, weekday, cost] per cell with a cost; cells without events are left out (blank). */
export function heatmapData(cells: HeatCell[]): [number, number, number][] {
  return cells.filter((cell) => cell.cost_usd !== null).map((cell) => [cell.hour, cell.weekday, cell.cost_usd!]);
}

/**
 * The top of the colour scale: the 95th percentile of the cells' cost, so that one expensive hour
 * (a batch job) does not wash every other cell out; costlier cells show the top colour.
 */
export function colourScaleMax(costs: number[]): number {
  const sorted = [...costs].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * (sorted.length - 1)))] ?? 0;
  return p95 > 0 ? p95 : (sorted[sorted.length - 1] ?? 0);
}

export function heatmapModel(cells: HeatCell[], tz: string, palette: Palette): ChartModel {
  const data = heatmapData(cells);
  if (data.length === 0) {
    return { kind: 'empty', reason: 'No priced calls in this time range.', hint: 'Widen the time range or clear filters.' };
  }
  const max = colourScaleMax(data.map((d) => d[2]));
  const calls = new Map(cells.map((cell) => [`${cell.weekday}:${cell.hour}`, cell.calls]));
  return {
    kind: 'ready',
    points: data.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 8, top: 8, bottom: 44, containLabel: true },
      tooltip: {
        ...(baseOption(palette).tooltip as object),
        formatter: (raw: unknown) => {
          const value = (raw as { value: [number, number, number] }).value;
          const [hour, weekday, cost] = value;
          return (
            tooltipTitle(`${WEEKDAYS[weekday]} ${HOURS[hour]}:00–${HOURS[(hour + 1) % 24]}:00 ${tz}`) +
            tooltipRow(palette.primary, 'Cost', formatUsd(cost)) +
            tooltipRow(palette.neutral, 'Calls', formatCompact(calls.get(`${weekday}:${hour}`) ?? 0))
          );
        },
      },
      xAxis: {
        type: 'category',
        data: HOURS,
        splitArea: { show: false },
        axisLine: { lineStyle: { color: palette.border } },
        axisTick: { show: false },
        axisLabel: { color: palette.textMuted, fontSize: 10, interval: 2 },
      },
      yAxis: {
        type: 'category',
        data: WEEKDAYS,
        inverse: true,
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: { color: palette.textMuted, fontSize: 11 },
      },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        itemWidth: 10,
        text: [`≥ ${formatUsd(max)}`, formatUsd(0)],
        textStyle: { color: palette.textMuted, fontSize: 11 },
        inRange: { color: [palette.surface, `${palette.primary}99`, palette.primary] },
      },
      series: [
        {
          type: 'heatmap',
          data,
          itemStyle: { borderColor: palette.background, borderWidth: 2, borderRadius: 3 },
          emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
        },
      ],
    },
  };
}
