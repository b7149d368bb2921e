// The metrics the Model Comparison page shows per model: how to read each from the API's model
// object, its unit and whether higher is better. One table, so the bars, the scorecards and the
// decision matrix agree on names and formats.
import type { ComparedModel, Interval, ModelComparison } from '../../../api/types';
import { formatDuration, formatRatio, formatUsd } from '../../../lib/format';

export type Unit = 'usd' | 'ms' | 'ratio' | 'score' | 'tokens_per_s';

/** A value in its unit: "$0.0021", "250 ms", "12.5%", "0.812", "84 tok/s"; "—" when missing. */
export function formatValue(unit: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'usd':
      return formatUsd(value);
    case 'ms':
      return formatDuration(value);
    case 'ratio':
      return formatRatio(value, value !== 0 && Math.abs(value) < 0.1 ? 2 : 1);
    case 'tokens_per_s':
      return `${value >= 100 ? Math.round(value) : value.toFixed(1)} tok/s`;
    case 'tokens':
      return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
    default:
      return value.toFixed(3);
  }
}

export interface ModelMetric {
  key: string;
  label: string;
  unit: Unit;
  better: 'higher' | 'lower';
  value: (model: ComparedModel, quality: string | null) => number | null;
  /** A 95 % interval to draw as a whisker, where the API gives one. */
  interval?: (model: ComparedModel, quality: string | null) => Interval | null;
}

export function qualityScore(model: ComparedModel, quality: string | null) {
  if (!quality?.startsWith('scores.')) return undefined;
  const name = quality.slice('scores.'.length);
  return model.scores.find((s) => s.name === name);
}

export const MODEL_METRICS: ModelMetric[] = [
  { key: 'cost', label: 'Cost / 1K tokens', unit: 'usd', better: 'lower', value: (m) => m.cost_per_1k_usd.blended },
  { key: 'cost_per_call', label: 'Cost / call', unit: 'usd', better: 'lower', value: (m) => m.cost_per_call_usd },
  {
    key: 'quality',
    label: 'Quality',
    unit: 'score',
    better: 'higher',
    value: (m, q) => qualityScore(m, q)?.mean ?? null,
    interval: (m, q) => qualityScore(m, q)?.ci95 ?? null,
  },
  { key: 'latency', label: 'Latency p50', unit: 'ms', better: 'lower', value: (m) => m.latency_ms.p50 },
  { key: 'latency_p95', label: 'Latency p95', unit: 'ms', better: 'lower', value: (m) => m.latency_ms.p95 },
  { key: 'ttft', label: 'TTFT p50', unit: 'ms', better: 'lower', value: (m) => m.ttft_ms.p50 },
  { key: 'tokens_per_s', label: 'Tokens / s', unit: 'tokens_per_s', better: 'higher', value: (m) => m.tokens_per_s },
  {
    key: 'error_rate',
    label: 'Error rate',
    unit: 'ratio',
    better: 'lower',
    value: (m) => m.error_rate.value,
    interval: (m) => m.error_rate.ci95,
  },
  { key: 'cache_hit_rate', label: 'Cache hit rate', unit: 'ratio', better: 'higher', value: (m) => m.cache_hit_rate },
];

export function findMetric(key: string): ModelMetric | undefined {
  return MODEL_METRICS.find((m) => m.key === key);
}

const SHORT_LABELS: Record<string, string> = {
  cost: 'Cost / 1K',
  cost_per_call: 'Cost / call',
  quality: 'Quality',
  latency: 'Latency',
  latency_p95: 'Latency p95',
  ttft: 'TTFT',
  tokens_per_s: 'Tokens / s',
  error_rate: 'Errors',
  cache_hit_rate: 'Cache hits',
};

/** A metric's name for tight places (radar axes, heatmap columns). */
export function shortLabel(metric: string, label: string): string {
  return SHORT_LABELS[metric] ?? label;
}

/** "scores.helpfulness" → "helpfulness"; null → "quality". */
export function scoreLabel(quality: string | null): string {
  return quality?.startsWith('scores.') ? quality.slice('scores.'.length) : 'quality';
}

/** Score names any compared model has, for the quality picker. */
export function scoreNames(comparison: ModelComparison): string[] {
  const names = new Set<string>();
  for (const model of comparison.models) for (const score of model.scores) names.add(score.name);
  return [...names].sort();
}

/** One colour per model, stable across the page's charts (the comparison's order). */
export function modelColors(comparison: ModelComparison, series: string[]): Map<string, string> {
  return new Map(comparison.models.map((m, idx) => [m.model, series[idx % series.length]!]));
}
