// Prepare layer of the retention cohorts: one row per week of first activity, one column per
// week since; colour = share of the cohort active that week. Weeks that have not happened yet
// are empty cells (the triangle), not zeros.
import { format } from 'date-fns';
import type { Cohort } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export function cohortLabel(cohort: Cohort): string {
  return `${format(cohort.week, 'MMM d')} (${formatCompact(cohort.users)})`;
}

export function cohortHeatmapModel(cohorts: Cohort[], palette: Palette): ChartModel {
  if (cohorts.length === 0) {
    return { kind: 'empty', reason: 'No user was first seen in this time range.', hint: 'Widen the time range to see cohorts.' };
  }
  const weeks = Math.max(...cohorts.map((c) => c.retention.length));
  const rows = cohorts.map(cohortLabel);
  // Dark cells (high retention) get light text, whatever the theme.
  const data: { value: [number, number, number]; label: { color: string } }[] = [];
  cohorts.forEach((cohort, row) =>
    cohort.retention.forEach((share, week) =>
      data.push({ value: [week, row, share], label: { color: share > 0.55 ? '#ffffff' : palette.text } }),
    ),
  );
  return {
    kind: 'ready',
    points: data.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 8, top: 8, bottom: 44, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const [week, row, share] = (raw as { value: [number, number, number] }).value;
          const cohort = cohorts[row];
          if (!cohort) return '';
          return (
            tooltipTitle(`Week of ${format(cohort.week, 'MMM d, yyyy')}`) +
            tooltipRow(palette.primary, 'Cohort', `${formatCompact(cohort.users)} users`) +
            tooltipRow(palette.primary, `Active in week ${week}`, `${formatCompact(cohort.active[week] ?? 0)} (${formatRatio(share)})`)
          );
        },
      },
      xAxis: {
        type: 'category',
        data: Array.from({ length: weeks }, (_, week) => `W${week}`),
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: palette.textMuted, fontSize: 11 },
        splitArea: { show: false },
      },
      yAxis: {
        type: 'category',
        data: rows,
        inverse: true,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: palette.textMuted, fontSize: 11 },
      },
      visualMap: {
        min: 0,
        max: 1,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        itemWidth: 10,
        text: ['100%', '0%'],
        textStyle: { color: palette.textMuted, fontSize: 11 },
        inRange: { color: [palette.surface, palette.primary] },
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: {
            show: true,
            fontSize: 10,
            formatter: (p: { value?: unknown }) => formatRatio((p.value as [number, number, number])[2], 0),
          },
          itemStyle: { borderColor: palette.background, borderWidth: 2, borderRadius: 3 },
          emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
        },
      ],
    },
  };
}
