// Prepare layer of the error breakdown: error rate per model, provider or endpoint (bars, with
// calls and errors in the tooltip), or errors per HTTP status (their share of all errors).
import type { Performance } from '../../../api/types';
import { tooltipRow, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { barsModel } from './bars';

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
  const status = by === 'http_status';
  return barsModel({
    rows: bars.map((b) => ({ ...b, name: status ? `HTTP ${b.name}` : b.name })),
    palette,
    color: palette.danger,
    name: status ? 'Share of errors' : 'Error rate',
    axisText: (v) => formatRatio(v, v < 0.1 ? 1 : 0),
    labelText: (bar) => (status ? formatCompact(bar.errors) : formatRatio(bar.value, 2)),
    tooltipRows: (bar) =>
      status
        ? tooltipRow(palette.danger, 'Errors', formatCompact(bar.errors)) +
          tooltipRow(palette.danger, 'Share of errors', formatRatio(bar.value))
        : tooltipRow(palette.danger, 'Error rate', formatRatio(bar.value, 2)) +
          tooltipRow(palette.neutral, 'Errors', formatCompact(bar.errors)) +
          tooltipRow(palette.neutral, 'Calls', formatCompact(bar.calls)),
  });
}
