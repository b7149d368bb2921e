// Prepare layer of the funnel: users reaching each step in order (bars narrowing down), with the
// conversion from the step before and the median time it took.
import type { UserActivity } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatDuration, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export function stepLabel(step: string): string {
  const colon = step.indexOf(':');
  return colon > 0 ? step.slice(colon + 1) : step;
}

export function funnelModel(funnel: UserActivity['funnel'], palette: Palette): ChartModel {
  if (!funnel) {
    return {
      kind: 'empty',
      reason: 'No funnel steps chosen.',
      hint: 'Add at least two steps above, e.g. tags.step:search then tags.step:answer.',
    };
  }
  const steps = funnel.steps;
  const first = steps[0]?.users ?? 0;
  if (first === 0) {
    return { kind: 'empty', reason: `No user did "${steps[0]?.step ?? ''}" in this time range.`, hint: 'Check the first step, or widen the time range.' };
  }
  return {
    kind: 'ready',
    points: steps.length,
    option: {
      ...baseOption(palette),
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const idx = (raw as { dataIndex: number }).dataIndex;
          const step = steps[idx];
          if (!step) return '';
          const color = palette.series[idx % palette.series.length] ?? palette.primary;
          return (
            tooltipTitle(step.step) +
            tooltipRow(color, 'Users', formatCompact(step.users)) +
            (idx > 0
              ? tooltipRow(color, 'From the step before', formatRatio(step.conversion)) +
                tooltipRow(color, 'From the first step', formatRatio(step.conversion_from_start)) +
                tooltipRow(color, 'Median time from the step before', formatDuration(step.median_ms_from_previous))
              : '')
          );
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '4%',
          right: '4%',
          top: 8,
          bottom: 8,
          minSize: '8%',
          max: first,
          gap: 3,
          data: steps.map((step, idx) => ({
            name: step.step,
            value: step.users,
            itemStyle: { color: palette.series[idx % palette.series.length] },
          })),
          label: {
            show: true,
            position: 'inside',
            color: '#ffffff',
            fontSize: 12,
            lineHeight: 16,
            formatter: (p: { dataIndex: number }) => {
              const step = steps[p.dataIndex];
              if (!step) return '';
              const share = p.dataIndex === 0 ? '' : ` · ${formatRatio(step.conversion_from_start, 0)}`;
              // Two short lines fit the narrow last step on a phone.
              return `${stepLabel(step.step)}\n${formatCompact(step.users)}${share}`;
            },
          },
          itemStyle: { borderColor: palette.background, borderWidth: 1 },
        },
      ],
    },
  };
}
