// Prepare layer of a budget gauge: the burn (spend as a share of the amount) as the outer arc,
// the projection at the period's end as the inner pointer with its 80 % interval as a band.
import type { Budget } from '../../../api/types';
import { baseOption, type ChartModel } from '../../../lib/chart';
import { formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/**
 * The gauge's scale: enough for the forecast band's top in steps of 20 %, from 120 % to 200 %
 * (so 100 % stays readable); a projection beyond pins the pointer at the end and the figure says it.
 */
export function gaugeMax(budget: Budget): number {
  const top = (budget.projected_high_usd / budget.amount_usd) * 100;
  return Math.min(200, Math.max(120, Math.ceil(Math.max(top, budget.share_pct) / 20) * 20));
}

/** The projection as a share of the amount, in percent. */
export function projectedPct(budget: Budget): number {
  return (budget.projected_usd / budget.amount_usd) * 100;
}

/** Colour of the burn: below the first threshold fine, past 100 % danger, warning between. */
export function burnColor(budget: Budget, palette: Palette): string {
  const first = budget.thresholds_pct[0] ?? 50;
  if (budget.share_pct >= 100) return palette.danger;
  if (budget.share_pct >= Math.max(first, 80)) return palette.warning;
  return palette.success;
}

export function gaugeModel(budget: Budget, palette: Palette): ChartModel {
  const max = gaugeMax(budget);
  const pct = (usd: number) => (usd / budget.amount_usd) * 100;
  const low = Math.min(max, pct(budget.projected_low_usd)) / max;
  const high = Math.min(max, pct(budget.projected_high_usd)) / max;
  const projected = Math.min(max, pct(budget.projected_usd));
  const band = `${palette.primary}55`;
  const common = { startAngle: 210, endAngle: -30, min: 0, max, center: ['50%', '58%'] as [string, string] };
  return {
    kind: 'ready',
    points: 1,
    option: {
      ...baseOption(palette),
      tooltip: { show: false },
      series: [
        {
          ...common,
          type: 'gauge',
          radius: '92%',
          progress: { show: true, width: 14, roundCap: true, itemStyle: { color: burnColor(budget, palette) } },
          axisLine: { roundCap: true, lineStyle: { width: 14, color: [[1, palette.surface]] } },
          pointer: { show: false },
          splitNumber: max / 20,
          axisTick: { show: false },
          splitLine: { distance: 4, length: 6, lineStyle: { color: palette.border, width: 1 } },
          axisLabel: {
            distance: 18,
            color: palette.textMuted,
            fontSize: 10,
            // 0, 100 % and the end only: threshold labels would collide (the card lists them). The
            // end's label gives way to the projection pointer when that sits on it.
            formatter: (value: number) =>
              value === 0 || value === 100 || (value === max && projected < 0.9 * max) ? `${value}%` : '',
          },
          anchor: { show: false },
          title: { show: true, offsetCenter: [0, '62%'], color: palette.textMuted, fontSize: 11, lineHeight: 16 },
          detail: {
            valueAnimation: true,
            offsetCenter: [0, '18%'],
            fontSize: 22,
            fontWeight: 600,
            color: palette.text,
            formatter: (value: number) => `${value.toFixed(0)}%`,
          },
          data: [
            {
              value: Math.min(max, budget.share_pct),
              name: `${formatUsd(budget.spend_usd)} of ${formatUsd(budget.amount_usd)}\n▼ projected ${projectedPct(budget).toFixed(0)}%`,
            },
          ],
        },
        {
          ...common,
          type: 'gauge',
          radius: '70%',
          axisLine: {
            lineStyle: {
              width: 6,
              color: [
                [Math.max(0, low), 'transparent'],
                [Math.max(low + 0.005, high), band],
                [1, 'transparent'],
              ],
            },
          },
          progress: { show: false },
          pointer: { show: true, length: '18%', width: 4, offsetCenter: [0, '-82%'], itemStyle: { color: palette.primary } },
          axisTick: { show: false },
          splitLine: { show: false },
          axisLabel: { show: false },
          anchor: { show: false },
          title: { show: false },
          detail: { show: false },
          data: [{ value: projected, name: 'projected' }],
        },
      ],
    },
  };
}
