// The global filter state of every dashboard, kept in the URL query string so a view can be shared
// and back/forward works. Pure functions only: parse, serialize, and turn the state into API params.
import type { QueryFilter, QuerySpec } from '../../../api/types';

export const DIMENSIONS = ['experiment', 'model', 'provider', 'user', 'team'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = {
  experiment: 'Experiment',
  model: 'Model',
  provider: 'Provider',
  user: 'User',
  team: 'Team',
};

export const RANGE_PRESETS = ['24h', '7d', '30d', '90d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = '30d';

export type TimeRange = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: string; to: string };

export interface TagFilter {
  key: string;
  value: string;
}

export interface Filters {
  range: TimeRange;
  dims: Record<Dimension, string[]>;
  tags: TagFilter[];
}

export function emptyDims(): Record<Dimension, string[]> {
  return { experiment: [], model: [], provider: [], user: [], team: [] };
}

export const DEFAULT_FILTERS: Filters = {
  range: { kind: 'preset', preset: DEFAULT_RANGE },
  dims: emptyDims(),
  tags: [],
};

function isPreset(value: string | null): value is RangePreset {
  return value !== null && (RANGE_PRESETS as readonly string[]).includes(value);
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}

/** Reads filters from a query string; anything unknown or malformed falls back to the default. */
export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const from = params.get('from');
  const to = params.get('to');
  const rangeParam = params.get('range');
  let range: TimeRange = DEFAULT_FILTERS.range;
  if (from && to) range = { kind: 'custom', from, to };
  else if (isPreset(rangeParam)) range = { kind: 'preset', preset: rangeParam };

  const dims = emptyDims();
  for (const dim of DIMENSIONS) dims[dim] = unique(params.getAll(dim));

  const tags: TagFilter[] = [];
  for (const raw of params.getAll('tag')) {
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const tag = { key: raw.slice(0, colon), value: raw.slice(colon + 1) };
    if (!tags.some((t) => t.key === tag.key && t.value === tag.value)) tags.push(tag);
  }
  return { range, dims, tags };
}

/** The query string for a filter state; the default range is left out to keep URLs short. */
export function serializeFilters(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.range.kind === 'custom') {
    params.set('from', filters.range.from);
    params.set('to', filters.range.to);
  } else if (filters.range.preset !== DEFAULT_RANGE) {
    params.set('range', filters.range.preset);
  }
  for (const dim of DIMENSIONS) for (const value of filters.dims[dim]) params.append(dim, value);
  for (const tag of filters.tags) params.append('tag', `${tag.key}:${tag.value}`);
  return params.toString();
}

const FILTER_KEYS = ['from', 'to', 'range', 'tag', ...DIMENSIONS];

/**
 * The query string of `search` with its filters replaced by `filters`; other parameters (a page's
 * own, such as a leaderboard's sort) are kept.
 */
export function replaceFilters(search: string, filters: Filters): string {
  const params = new URLSearchParams(search);
  for (const key of FILTER_KEYS) params.delete(key);
  const kept = params.toString();
  const own = serializeFilters(filters);
  return [own, kept].filter((part) => part !== '').join('&');
}

/** `from`/`to` as the API takes them: relative (`now-7d`) for presets so a refetch moves with time. */
export function apiTimeRange(range: TimeRange): { from: string; to: string } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  return { from: `now-${range.preset}`, to: 'now' };
}

/** Query parameters of the dashboard endpoints (`/api/analytics/*`). */
export function dashboardParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams(apiTimeRange(filters.range));
  for (const dim of DIMENSIONS) for (const value of filters.dims[dim]) params.append(dim, value);
  for (const tag of filters.tags) params.append('tag', `${tag.key}:${tag.value}`);
  return params;
}

/**
 * QuerySpec filters for the current state. `except` leaves one dimension out, so a dropdown lists
 * the values that the other filters allow (and not only the ones already chosen).
 */
export function queryFilters(filters: Filters, except?: Dimension | `tags.${string}`): QueryFilter[] {
  const out: QueryFilter[] = [];
  for (const dim of DIMENSIONS) {
    if (dim === except || filters.dims[dim].length === 0) continue;
    out.push({ field: dim, op: 'in', values: filters.dims[dim] });
  }
  for (const tag of filters.tags) {
    const field = `tags.${tag.key}`;
    if (field === except) continue;
    out.push({ field, op: 'eq', value: tag.value });
  }
  return out;
}

/** The QuerySpec that lists the values of one dimension, most used first. */
export function optionsQuery(filters: Filters, field: Dimension | `tags.${string}`, limit = 200): QuerySpec {
  const spec: QuerySpec = {
    ...apiTimeRange(filters.range),
    group_by: [field],
    metrics: ['count'],
    order_by: [{ column: 'count', dir: 'desc' }],
    limit,
  };
  const filtersForSpec = queryFilters(filters, field);
  if (filtersForSpec.length > 0) spec.filters = filtersForSpec;
  return spec;
}

export function activeFilterCount(filters: Filters): number {
  return DIMENSIONS.reduce((n, dim) => n + filters.dims[dim].length, 0) + filters.tags.length;
}

export function rangeLabel(range: TimeRange): string {
  if (range.kind === 'custom') return 'Custom range';
  return { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' }[range.preset];
}
