import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  dashboardParams,
  optionsQuery,
  parseFilters,
  serializeFilters,
  type Filters,
} from './filters';
import { optionsFromResult } from './options';

describe('URL filter state', () => {
  it('defaults to the last 30 days with no filters', () => {
    expect(parseFilters('')).toEqual(DEFAULT_FILTERS);
    expect(serializeFilters(DEFAULT_FILTERS)).toBe('');
  });

  it('round-trips presets, repeated dimensions and tags', () => {
    const search = 'range=7d&model=gpt-4o&model=claude-3-5-sonnet&team=search&tag=env%3Aprod&tag=feature%3Aa%3Ab';
    const filters = parseFilters(search);
    expect(filters.range).toEqual({ kind: 'preset', preset: '7d' });
    expect(filters.dims.model).toEqual(['gpt-4o', 'claude-3-5-sonnet']);
    expect(filters.dims.team).toEqual(['search']);
    expect(filters.tags).toEqual([
      { key: 'env', value: 'prod' },
      { key: 'feature', value: 'a:b' },
    ]);
    expect(parseFilters(serializeFilters(filters))).toEqual(filters);
  });

  it('prefers a custom from/to over a preset and ignores junk', () => {
    const filters = parseFilters('range=bogus&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&tag=novalue&tag=:x');
    expect(filters.range).toEqual({ kind: 'custom', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect(filters.tags).toEqual([]);
    expect(parseFilters('range=bogus').range).toEqual(DEFAULT_FILTERS.range);
  });
});

describe('API parameters', () => {
  const filters: Filters = parseFilters('range=24h&model=gpt-4o&model=o3&user=ana&tag=env:prod');

  it('passes filters to the dashboard endpoint as repeated params', () => {
    const params = dashboardParams(filters);
    expect(params.get('from')).toBe('now-24h');
    expect(params.get('to')).toBe('now');
    expect(params.getAll('model')).toEqual(['gpt-4o', 'o3']);
    expect(params.getAll('user')).toEqual(['ana']);
    expect(params.getAll('tag')).toEqual(['env:prod']);
  });

  it('builds the dropdown query without the dimension itself', () => {
    expect(optionsQuery(filters, 'model')).toEqual({
      from: 'now-24h',
      to: 'now',
      group_by: ['model'],
      metrics: ['count'],
      order_by: [{ column: 'count', dir: 'desc' }],
      limit: 200,
      filters: [
        { field: 'user', op: 'in', values: ['ana'] },
        { field: 'tags.env', op: 'eq', value: 'prod' },
      ],
    });
    expect(optionsQuery(DEFAULT_FILTERS, 'tags.env').filters).toBeUndefined();
  });

  it('reads options from a query result and drops null groups', () => {
    const stats = { scanned: 15, elapsed_ms: 0.2 };  // as the server always sends it
    const result = { columns: ['model', 'count'], rows: [['gpt-4o', 10], [null, 3], ['o3', 2]], stats };
    expect(optionsFromResult(result, 'model')).toEqual([
      { value: 'gpt-4o', count: 10 },
      { value: 'o3', count: 2 },
    ]);
    expect(optionsFromResult({ columns: ['count'], rows: [[1]], stats }, 'model')).toEqual([]);
  });
});
