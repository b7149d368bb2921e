// Prepare layer of the calendar heatmap: calls per day (cost in the tooltip) from the first month
// with data up to the end of the range, at most the year the server returns.
import { format, startOfMonth, subMonths } from 'date-fns';
import type { UserActivity } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** The calendar shows at least this many months, so its cells stay about square. */
export const MIN_MONTHS = 6;

/**
 * [first, last] day shown, as yyyy-MM-dd: from the first month with data (at least MIN_MONTHS
 * back, at most the server's year) to the end of the range.
 */
export function calendarRange(calendar: UserActivity['calendar']): [string, string] | null {
  if (calendar.days.length === 0) return null;
  const last = Date.parse(calendar.to) - 1;
  const earliest = startOfMonth(subMonths(last, MIN_MONTHS - 1)).getTime();
  const first = Math.max(Date.parse(calendar.from), Math.min(earliest, startOfMonth(calendar.days[0]!.t).getTime()));
  return [format(first, 'yyyy-MM-dd'), format(last, 'yyyy-MM-dd')];
}

export function calendarModel(calendar: UserActivity['calendar'], palette: Palette): ChartModel {
  const range = calendarRange(calendar);
  if (!range) {
    return { kind: 'empty', reason: 'No calls in the past year.', hint: 'Clear filters to see the whole calendar.' };
  }
  const byDay = new Map(calendar.days.map((d) => [format(d.t, 'yyyy-MM-dd'), d]));
  const maxCalls = Math.max(1, ...calendar.days.map((d) => d.calls));
  return {
    kind: 'ready',
    points: calendar.days.length,
    option: {
      ...baseOption(palette),
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const [day] = (raw as { value: [string, number] }).value;
          const entry = byDay.get(day);
          return (
            tooltipTitle(format(new Date(`${day}T00:00:00`), 'EEE, MMM d, yyyy')) +
            tooltipRow(palette.primary, 'Calls', formatCompact(entry?.calls ?? 0)) +
            tooltipRow(palette.primary, 'Cost', entry?.cost_usd === null || !entry ? '—' : formatUsd(entry.cost_usd))
          );
        },
      },
      visualMap: {
        min: 0,
        max: maxCalls,
        show: false,
        inRange: { color: [palette.surface, palette.primary] },
      },
      calendar: {
        range,
        top: 28,
        left: 36,
        right: 12,
        bottom: 8,
        cellSize: ['auto', 'auto'],
        orient: 'horizontal',
        splitLine: { show: false },
        itemStyle: { color: palette.background, borderColor: palette.border, borderWidth: 1 },
        yearLabel: { show: false },
        monthLabel: { color: palette.textMuted, fontSize: 11, nameMap: 'EN' },
        dayLabel: { color: palette.textMuted, fontSize: 10, firstDay: 1, nameMap: ['S', 'M', 'T', 'W', 'T', 'F', 'S'] },
      },
      series: [
        {
          type: 'heatmap',
          coordinateSystem: 'calendar',
          data: calendar.days.map((d) => [format(d.t, 'yyyy-MM-dd'), d.calls]),
        },
      ],
    },
  };
}
