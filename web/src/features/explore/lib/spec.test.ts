import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, emptyDims } from '../../filters/lib/filters';
import { buildSpec, DEFAULT_STATE, fromSpec, metricLabel, sameSpec } from './spec';

describe('buildSpec', () => {
  it('turns the default state and filters into a bucketed, grouped query over the last 30 days', () => {
    expect(buildSpec(DEFAULT_STATE, DEFAULT_FILTERS)).toEqual({
      from: 'now-30d',
      to: 'now',
      metrics: ['count', 'sum:cost_usd'],
      group_by: ['model'],
      bucket: '1d',
      limit: 1000,
    });
  });

  it('adds the filter bar and drops the bucket for a pie, ordering by the first metric', () => {
    const filters = { ...DEFAULT_FILTERS, dims: { ...emptyDims(), team: ['search'] }, tags: [{ key: 'env', value: 'prod' }] };
    const spec = buildSpec({ ...DEFAULT_STATE, chart: 'pie', metrics: ['p95:latency_ms'] }, filters);
    expect(spec.filters).toEqual([
      { field: 'team', op: 'in', values: ['search'] },
      { field: 'tags.env', op: 'eq', value: 'prod' },
    ]);
    expect(spec.bucket).toBeUndefined();
    expect(spec.order_by).toEqual([{ metric: 'p95:latency_ms', dir: 'desc' }]);
  });
});

describe('fromSpec', () => {
  it('is the inverse of buildSpec for what the builder and filter bar hold', () => {
    const filters = { range: { kind: 'preset' as const, preset: '7d' as const }, dims: { ...emptyDims(), model: ['a', 'b'] }, tags: [] };
    const state = { ...DEFAULT_STATE, chart: 'area' as const, groupBy: ['provider', 'tags.env'], bucket: '1h', limit: 1000 };
    const back = fromSpec(buildSpec(state, filters), 'area');
    expect(back.state).toEqual(state);
    expect(back.filters).toEqual(filters);
  });

  it('keeps filters the bar cannot show, and reads absolute times as a custom range', () => {
    const back = fromSpec(
      {
        from: 1767225600000,
        to: '2026-01-08T00:00:00Z',
        metrics: ['count'],
        filters: [
          { field: 'latency_ms', op: 'gt', value: 1000 },
          { field: 'model', op: 'eq', value: 'gpt-4o' },
        ],
      },
      'table',
    );
    expect(back.filters.range).toEqual({ kind: 'custom', from: '2026-01-01T00:00:00.000Z', to: '2026-01-08T00:00:00Z' });
    expect(back.filters.dims.model).toEqual(['gpt-4o']);
    expect(back.state.extraFilters).toEqual([{ field: 'latency_ms', op: 'gt', value: 1000 }]);
    expect(back.state.groupBy).toEqual([]);
    expect(back.state.bucket).toBe('');
  });
});

describe('metricLabel', () => {
  it('reads metrics in words', () => {
    expect(metricLabel('count')).toBe('calls');
    expect(metricLabel('p95:latency_ms')).toBe('p95 latency_ms');
    expect(metricLabel('rate:cache_hit')).toBe('cache hit rate');
    expect(metricLabel('uniq:user')).toBe('distinct user');
  });
});

describe('sameSpec', () => {
  it('ignores key order but not values', () => {
    expect(sameSpec({ from: 'now-7d', metrics: ['count'], limit: 5 }, { limit: 5, metrics: ['count'], from: 'now-7d' })).toBe(true);
    expect(sameSpec({ metrics: ['count'], limit: 5 }, { metrics: ['count'], limit: 6 })).toBe(false);
    expect(sameSpec({ metrics: ['count', 'sum:cost_usd'] }, { metrics: ['sum:cost_usd', 'count'] })).toBe(false);
  });
});

describe('a saved order', () => {
  it('is kept while it names the report\'s columns, and dropped when it no longer does', () => {
    const saved = { metrics: ['rate:error', 'count'], group_by: ['team'], order_by: [{ metric: 'rate:error', dir: 'desc' as const }] };
    const { state, filters } = fromSpec(saved, 'bar');
    expect(buildSpec(state, filters).order_by).toEqual(saved.order_by);
    expect(buildSpec({ ...state, metrics: ['count'] }, filters).order_by).toEqual([{ metric: 'count', dir: 'desc' }]);
  });
});
