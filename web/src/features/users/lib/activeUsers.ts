// Prepare layer of the active-user charts: DAU / WAU / MAU lines, new vs returning users per day
// (stacked bars), and stickiness (DAU / MAU). One point per day of the range; the server counts
// whole days in the dashboard's time zone.
import type { ActiveUsersDay } from '../../../api/types';
import {
  axisStyle,
  baseOption,
  timeAxisTooltip,
  topRightLegend,
  type ChartModel,
  type ChartOption,
  type TimePair,
} from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { isLonePoint } from '../../../lib/lonePoint';

const DAY_PATTERN = 'EEE, MMM d, yyyy';

function noUsers(days: ActiveUsersDay[]): ChartModel | null {
  if (days.length === 0 || days.every((day) => day.mau === 0)) {
    return { kind: 'empty', reason: 'No active users in this time range.', hint: 'Widen the time range or clear filters.' };
  }
  return null;
}

function dayAxes(days: ActiveUsersDay[], palette: Palette, percent = false): Pick<ChartOption, 'xAxis' | 'yAxis' | 'grid'> {
  return {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'time',
      min: days[0]?.t,
      max: days[days.length - 1]?.t,
      ...axisStyle(palette),
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: percent ? 1 : undefined,
      minInterval: percent ? undefined : 1,
      ...axisStyle(palette),
      axisLabel: {
        ...axisStyle(palette).axisLabel,
        formatter: (v: number) => (percent ? formatRatio(v, 0) : formatCompact(v)),
      },
    },
  };
}

export function activeUsersModel(days: ActiveUsersDay[], palette: Palette): ChartModel {
  const empty = noUsers(days);
  if (empty) return empty;
  const line = (name: string, pick: (d: ActiveUsersDay) => number, color: string, area = false) => ({
    name,
    type: 'line' as const,
    data: days.map((d): TimePair => [d.t, pick(d)]),
    showSymbol: days.length === 1,
    smooth: 0.2,
    lineStyle: { width: 2, color },
    itemStyle: { color },
    areaStyle: area ? { color, opacity: 0.08 } : undefined,
  });
  return {
    kind: 'ready',
    points: days.length,
    option: {
      ...baseOption(palette),
      ...dayAxes(days, palette),
      legend: topRightLegend(palette, 4),
      tooltip: timeAxisTooltip(palette, DAY_PATTERN, (_, value) => `${formatCompact(value)} users`),
      series: [
        line('MAU (30 days)', (d) => d.mau, palette.series[2] ?? palette.warning),
        line('WAU (7 days)', (d) => d.wau, palette.series[1] ?? palette.success),
        line('DAU', (d) => d.dau, palette.primary, true),
      ],
    },
  };
}

function stackedBar(name: string, data: TimePair[], color: string, top: boolean) {
  return {
    name,
    type: 'bar' as const,
    stack: 'users',
    barMaxWidth: 18,
    data,
    itemStyle: { color, borderRadius: top ? [3, 3, 0, 0] : 0 },
  };
}

export function newReturningModel(days: ActiveUsersDay[], palette: Palette): ChartModel {
  const empty = noUsers(days);
  if (empty) return empty;
  return {
    kind: 'ready',
    points: days.length,
    option: {
      ...baseOption(palette),
      ...dayAxes(days, palette),
      legend: topRightLegend(palette, 8),
      tooltip: { ...timeAxisTooltip(palette, DAY_PATTERN, (_, value) => formatCompact(value)), axisPointer: { type: 'shadow' } },
      series: [
        stackedBar('Returning', days.map((d): TimePair => [d.t, d.returning]), palette.primary, false),
        stackedBar('New', days.map((d): TimePair => [d.t, d.new]), palette.success, true),
      ],
    },
  };
}

export function stickinessModel(days: ActiveUsersDay[], palette: Palette): ChartModel {
  const empty = noUsers(days);
  if (empty) return empty;
  return {
    kind: 'ready',
    points: days.length,
    option: {
      ...baseOption(palette),
      ...dayAxes(days, palette, true),
      tooltip: timeAxisTooltip(palette, DAY_PATTERN, (_, value) => formatRatio(value)),
      series: [
        {
          name: 'DAU / MAU',
          type: 'line',
          data: days.map((d): TimePair => [d.t, d.stickiness]),
          connectNulls: false,
          showSymbol: isLonePoint(days.map((d) => d.stickiness)),
          smooth: 0.2,
          lineStyle: { width: 2, color: palette.series[5] ?? palette.primary },
          itemStyle: { color: palette.series[5] ?? palette.primary },
          areaStyle: { color: palette.series[5] ?? palette.primary, opacity: 0.1 },
        },
      ],
    },
  };
}
