// Prepare layer of the experiment popularity bubbles: x = distinct users, y = calls, bubble area
// = cost (unpriced experiments get the smallest bubble and say so in the tooltip).
import type { ExperimentBubble } from '../../../api/types';
import type { ChartClick } from '../../../components/ui/EChart';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

const MIN_SIZE = 10;
const MAX_SIZE = 56;

/** Bubble diameters in px: area proportional to cost, from MIN_SIZE to MAX_SIZE. */
export function bubbleSizes(costs: (number | null)[]): number[] {
  const max = Math.max(0, ...costs.map((c) => c ?? 0));
  return costs.map((cost) =>
    max > 0 && cost !== null ? MIN_SIZE + (MAX_SIZE - MIN_SIZE) * Math.sqrt(cost / max) : MIN_SIZE,
  );
}

/** 1, 2 or 5 × 10^k: the smallest such step ≥ `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? 10 * power;
}

/**
 * Axis bounds around `values` with room for the bubbles at the edges (15% each side), on round
 * whole ticks (about five intervals; users and calls are counts), never below 0.
 */
export function paddedBounds(values: number[]): { min: number; max: number; interval: number } {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max(1, (high - low) * 0.15);
  const interval = niceStep(Math.max(1, (high - low + 2 * pad) / 5)); // counts: whole steps
  return {
    min: Math.max(0, Math.floor((low - pad) / interval) * interval),
    max: Math.ceil((high + pad) / interval) * interval,
    interval,
  };
}

/** The experiment a click on the chart picked: a bubble's name (a click on a label names it too); null otherwise. */
export function clickedExperiment(params: ChartClick): string | null {
  if (params.dataType !== undefined && params.dataType !== 'main') return null;
  return params.name ? params.name : null;
}

export function experimentBubblesModel(experiments: ExperimentBubble[], palette: Palette): ChartModel {
  const shown = experiments.filter((e) => e.calls > 0);
  if (shown.length === 0) {
    return { kind: 'empty', reason: 'No experiment has calls in this time range.', hint: 'Widen the time range or clear filters.' };
  }
  const sizes = bubbleSizes(shown.map((e) => e.cost_usd));
  return {
    kind: 'ready',
    points: shown.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 16, top: 24, bottom: 24, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const e = shown[(raw as { dataIndex: number }).dataIndex];
          if (!e) return '';
          const color = palette.series[(raw as { dataIndex: number }).dataIndex % palette.series.length] ?? palette.primary;
          return (
            tooltipTitle(e.experiment) +
            tooltipRow(color, 'Users', formatCompact(e.users)) +
            tooltipRow(color, 'Calls', formatCompact(e.calls)) +
            tooltipRow(color, 'Cost', e.cost_usd === null ? 'unpriced' : formatUsd(e.cost_usd))
          );
        },
      },
      xAxis: {
        type: 'value',
        name: 'users',
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: { color: palette.textMuted, fontSize: 11 },
        ...paddedBounds(shown.map((e) => e.users)),
        minInterval: 1,
        ...axisStyle(palette),
      },
      yAxis: {
        type: 'value',
        name: 'calls',
        nameTextStyle: { color: palette.textMuted, fontSize: 11 },
        ...paddedBounds(shown.map((e) => e.calls)),
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v) },
      },
      series: [
        {
          type: 'scatter',
          data: shown.map((e, idx) => ({
            value: [e.users, e.calls],
            name: e.experiment,
            symbolSize: sizes[idx],
            itemStyle: { color: palette.series[idx % palette.series.length], opacity: 0.75 },
          })),
          label: {
            show: true,
            position: 'top',
            color: palette.textMuted,
            fontSize: 11,
            formatter: (p: { name?: string }) => p.name ?? '',
          },
          // Labels of nearby bubbles are pushed apart vertically, with a leader line to theirs.
          labelLayout: { moveOverlap: 'shiftY', hideOverlap: true },
          labelLine: { show: true, length2: 4, lineStyle: { color: palette.border } },
          emphasis: { focus: 'self', itemStyle: { opacity: 1 } },
        },
      ],
    },
  };
}
