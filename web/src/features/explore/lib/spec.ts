// The report builder's state and the QuerySpec it stands for (the QuerySpec is the report's
// definition: docs/query.md). Pure functions: state + global filters → spec, and back from a saved
// spec, without losing what the builder has no control for (other filters stay as they are).
import type { OrderBy, QueryFilter, QuerySpec, ReportChart } from '../../../api/types';
import {
  apiTimeRange,
  DEFAULT_FILTERS,
  DIMENSIONS,
  emptyDims,
  queryFilters,
  RANGE_PRESETS,
  type Dimension,
  type Filters,
  type TimeRange,
} from '../../filters/lib/filters';

export const CHARTS: { id: ReportChart; label: string }[] = [
  { id: 'line', label: 'Line' },
  { id: 'bar', label: 'Bar' },
  { id: 'area', label: 'Stacked area' },
  { id: 'pie', label: 'Pie' },
  { id: 'table', label: 'Table' },
  { id: 'heatmap', label: 'Heatmap' },
];

/** '' is no time bucket (one row per group). */
export const BUCKETS = ['', 'auto', '15m', '1h', '6h', '1d', '1w'] as const;
export const BUCKET_LABELS: Record<string, string> = {
  '': 'None',
  auto: 'Auto',
  '15m': '15 minutes',
  '1h': 'Hour',
  '6h': '6 hours',
  '1d': 'Day',
  '1w': 'Week',
};

export const MAX_GROUP_BY = 2;
export const DEFAULT_LIMIT = 1000;

export interface BuilderState {
  metrics: string[];
  groupBy: string[];
  bucket: string;
  chart: ReportChart;
  /** Filters of a saved spec that the filter bar cannot show (ne, gt, contains, ...), kept as they are. */
  extraFilters: QueryFilter[];
  /** A saved spec's own order (kept while it names only columns the report has); else automatic. */
  orderBy?: OrderBy[];
  /** A saved spec's own limit; else the default. */
  limit?: number;
}

export const DEFAULT_STATE: BuilderState = {
  metrics: ['count', 'sum:cost_usd'],
  groupBy: ['model'],
  bucket: '1d',
  chart: 'line',
  extraFilters: [],
};

/** The QuerySpec of the builder's state under the global filters. A pie has no time buckets. */
export function buildSpec(state: BuilderState, filters: Filters): QuerySpec {
  const spec: QuerySpec = { ...apiTimeRange(filters.range), metrics: state.metrics };
  const allFilters = [...queryFilters(filters), ...state.extraFilters];
  if (allFilters.length > 0) spec.filters = allFilters;
  if (state.groupBy.length > 0) spec.group_by = state.groupBy;
  const bucketed = state.bucket !== '' && state.chart !== 'pie';
  if (bucketed) spec.bucket = state.bucket;
  const columns = new Set<string>([...state.metrics, ...state.groupBy, ...(bucketed ? ['t'] : [])]);
  if (state.orderBy && state.orderBy.every((o) => columns.has(o.metric ?? o.column ?? ''))) spec.order_by = state.orderBy;
  else if (!bucketed && state.metrics.length > 0 && state.groupBy.length > 0) spec.order_by = [{ metric: state.metrics[0]!, dir: 'desc' }];
  spec.limit = state.limit ?? DEFAULT_LIMIT;
  return spec;
}

function rangeOf(from: unknown, to: unknown): TimeRange {
  const preset = RANGE_PRESETS.find((p) => from === `now-${p}`);
  if (preset && (to === 'now' || to === undefined)) return { kind: 'preset', preset };
  if (from === undefined && to === undefined) return { kind: 'preset', preset: '7d' };  // the query's default
  const text = (value: unknown) => (typeof value === 'number' ? new Date(value).toISOString() : String(value ?? 'now'));
  return { kind: 'custom', from: text(from ?? 'now-7d'), to: text(to) };
}

/** A saved spec as builder state and global filters: the inverse of buildSpec. */
export function fromSpec(spec: QuerySpec, chart: ReportChart): { state: BuilderState; filters: Filters } {
  const dims = emptyDims();
  const tags: Filters['tags'] = [];
  const extraFilters: QueryFilter[] = [];
  for (const filter of spec.filters ?? []) {
    const dim = (DIMENSIONS as readonly string[]).includes(filter.field) ? (filter.field as Dimension) : null;
    const strings = (filter.values ?? []).every((v) => typeof v === 'string');
    if (dim && filter.op === 'in' && strings && dims[dim].length === 0) {
      dims[dim] = filter.values as string[];
    } else if (dim && filter.op === 'eq' && typeof filter.value === 'string' && dims[dim].length === 0) {
      dims[dim] = [filter.value];
    } else if (filter.field.startsWith('tags.') && filter.op === 'eq' && typeof filter.value === 'string') {
      tags.push({ key: filter.field.slice(5), value: filter.value });
    } else {
      extraFilters.push(filter);
    }
  }
  return {
    state: {
      metrics: spec.metrics,
      groupBy: spec.group_by ?? [],
      bucket: spec.bucket ?? '',
      chart,
      extraFilters,
      ...(spec.order_by ? { orderBy: spec.order_by } : {}),
      ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
    },
    filters: { ...DEFAULT_FILTERS, range: rangeOf(spec.from, spec.to), dims, tags },
  };
}

/** The metric choices for the store's fields: aggregates of measures, distinct counts of dimensions, rates. */
export const AGGREGATES = ['sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99'] as const;
export const RATES = ['rate:error', 'rate:cache_hit', 'rate:streaming'] as const;

export function metricName(aggregate: string, field: string): string {
  return aggregate === 'count' && field === '' ? 'count' : `${aggregate}:${field}`;
}

/** Human words for a metric column ("p95 of latency_ms"). */
export function metricLabel(metric: string): string {
  if (metric === 'count') return 'calls';
  const [aggregate, field] = [metric.slice(0, metric.indexOf(':')), metric.slice(metric.indexOf(':') + 1)];
  if (aggregate === 'rate') return `${field.replace('_', ' ')} rate`;
  if (aggregate === 'uniq') return `distinct ${field}`;
  return `${aggregate} ${field}`;
}

/** JSON with object keys sorted, so two specs compare equal whatever order their keys came in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** Whether two specs say the same thing (key order aside). */
export function sameSpec(a: QuerySpec, b: QuerySpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
