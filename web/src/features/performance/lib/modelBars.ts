// Prepare layer of the per-model bars: output speed (tokens/s of generation, p50 with p90
// behind) and the gateway cache hit rate.
import type { Performance } from '../../../api/types';
import { tooltipRow, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { barsModel } from './bars';

const tokensPerSecond = (value: number | null) => (value === null ? '—' : `${formatCompact(Math.round(value))} tok/s`);

export function throughputModel(throughput: Performance['throughput'], palette: Palette): ChartModel {
  const rows = throughput.by_model
    .filter((m) => m.tokens_per_s_p50 !== null)
    .map((m) => ({ name: m.model, value: m.tokens_per_s_p50, behind: m.tokens_per_s_p90, calls: m.calls }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  if (rows.length === 0) {
    return {
      kind: 'empty',
      reason: 'No streamed calls with output tokens in this range.',
      hint: 'Send output_tokens, latency_ms and ttft_ms for streamed calls to measure output speed.',
    };
  }
  return barsModel({
    rows,
    palette,
    color: palette.primary,
    name: 'p50',
    behindName: 'p90',
    axisText: (v) => formatCompact(v),
    labelText: (row) => tokensPerSecond(row.value),
    tooltipRows: (row) =>
      tooltipRow(palette.primary, 'Median (p50)', tokensPerSecond(row.value)) +
      tooltipRow(palette.primary, 'p90', tokensPerSecond(row.behind ?? null)),
  });
}

export function cacheByModelModel(cache: Performance['cache'], palette: Palette): ChartModel {
  const rows = cache.by_model
    .filter((m) => m.rate !== null)
    .map((m) => ({ name: m.model, value: m.rate, calls: m.calls }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  if (rows.every((r) => !r.value)) {
    return {
      kind: 'empty',
      reason: 'No cache hits in this time range.',
      hint: 'Send cache_hit: true for calls your gateway answered from its cache.',
    };
  }
  return barsModel({
    rows,
    palette,
    color: palette.success,
    name: 'Cache hit rate',
    axisText: (v) => formatRatio(v, v < 0.1 ? 1 : 0),
    labelText: (row) => formatRatio(row.value, 1),
    tooltipRows: (row) =>
      tooltipRow(palette.success, 'Cache hit rate', formatRatio(row.value, 1)) +
      tooltipRow(palette.neutral, 'Calls', formatCompact(row.calls)),
  });
}
