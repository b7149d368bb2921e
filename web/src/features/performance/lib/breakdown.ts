// Prepare layer of the error breakdown: error rate per model, provider or endpoint (bars, with
// calls and errors in the tooltip), or errors per HTTP status (their share of all errors).
import type { Performance } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export const BREAKDOWNS = ['model', 'provider', 'endpoint', 'http_status'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export const BREAKDOWN_LABELS: Record<Breakdown, string> = {
  model: 'Model',
  provider: 'Provider',
  endpoint: 'Endpoint',
  http_status: 'HTTP status',
};

export interface BreakdownBar {
  name: string;
  /** The bar's length: an error rate (model/provider/endpoint) or a share of errors (status). */
  value: number;
  calls: number | null;
  errors: number;
}

/** The bars of one breakdown, largest first. */
export function breakdownBars(errors: Performance['errors'], by: Breakdown): BreakdownBar[] {
  if (by === 'http_status') {
    return errors.by_http_status.map((s) => ({ name: s.http_status, value: s.share, calls: null, errors: s.errors }));
  }
  const slices =
    by === 'model'
      ? errors.by_model.map((s) => ({ ...s, name: s.model }))
      : by === 'provider'
        ? errors.by_provider.map((s) => ({ ...s, name: s.provider }))
        : errors.by_endpoint.map((s) => ({ ...s, name: s.endpoint }));
  return slices
    .filter((s) => s.calls > 0)
    .map((s) => ({ name: s.name, value: s.rate ?? 0, calls: s.calls, errors: s.errors }))
    .sort((a, b) => b.value - a.value || b.errors - a.errors);
}

export function breakdownModel(errors: Performance['errors'], by: Breakdown, palette: Palette): ChartModel {
  const bars = breakdownBars(errors, by);
  if (bars.length === 0 || bars.every((b) => b.errors === 0)) {
    return { kind: 'empty', reason: 'No errors in this time range.', hint: 'Every call in range succeeded.' };
  }
  const rows = [...bars].reverse();  // largest at the top
  const status = by === 'http_status';
  return {
    kind: 'ready',
    points: bars.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const bar = rows[(raw as { dataIndex?: number }).dataIndex ?? -1];
          if (!bar) return '';
          return status
            ? tooltipTitle(`HTTP ${bar.name}`) +
                tooltipRow(palette.danger, 'Errors', formatCompact(bar.errors)) +
                tooltipRow(palette.danger, 'Share of errors', formatRatio(bar.value))
            : tooltipTitle(bar.name) +
                tooltipRow(palette.danger, 'Error rate', formatRatio(bar.value, 2)) +
                tooltipRow(palette.neutral, 'Errors', formatCompact(bar.errors)) +
                tooltipRow(palette.neutral, 'Calls', formatCompact(bar.calls));
        },
      },
      xAxis: {
        type: 'value',
        min: 0,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatRatio(v, v < 0.1 ? 1 : 0) },
      },
      yAxis: {
        type: 'category',
        data: rows.map((b) => (status ? `HTTP ${b.name}` : b.name)),
        ...axisStyle(palette),
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, width: 130, overflow: 'truncate' },
      },
      series: [
        {
          name: status ? 'Share of errors' : 'Error rate',
          type: 'bar',
          data: rows.map((b) => b.value),
          barMaxWidth: 16,
          itemStyle: { color: palette.danger, borderRadius: [0, 3, 3, 0] },
          label: {
            show: true,
            position: 'right',
            color: palette.textMuted,
            fontSize: 10,
            formatter: (raw: unknown) => {
              const bar = rows[(raw as { dataIndex?: number }).dataIndex ?? -1];
              return bar ? (status ? formatCompact(bar.errors) : formatRatio(bar.value, 2)) : '';
            },
          },
        },
      ],
    },
  };
}
