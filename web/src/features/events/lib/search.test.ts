import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../api/types';
import { DEFAULT_FILTERS } from '../../filters/lib/filters';
import { type DetailField, detailFields, eventTitle, nextSort, parseExplorerParams, searchBody, totalTokens, withExplorerParams } from './search';

const event: StoredEvent = {
  ts: 1767607200000,
  time: '2026-01-05T10:00:00.000Z',
  experiment: 'rag',
  operation: 'chat',
  status: 'error',
  model: 'gpt-4o',
  trace_id: 'run/42',
  session_id: 's1',
  input_tokens: 100,
  output_tokens: 20,
  latency_ms: 850,
  error_type: 'rate_limit',
  http_status: 429,
  input_hash: '9f86d081884c7d65',
  scores: { quality: 0.5 },
  tags: { env: 'prod' },
};

describe('searchBody', () => {
  it('carries the range, the filters, the trimmed text, the sort and the cursor', () => {
    const filters = { ...DEFAULT_FILTERS, dims: { ...DEFAULT_FILTERS.dims, model: ['gpt-4o'] } };
    const body = searchBody(filters, '  ann ', { by: 'cost', dir: 'asc' }, 'c1tx');
    expect(body).toMatchObject({ from: 'now-30d', to: 'now', q: 'ann', sort: { by: 'cost', dir: 'asc' }, cursor: 'c1tx', limit: 100 });
    expect(body.filters).toEqual([{ field: 'model', op: 'in', values: ['gpt-4o'] }]);
    expect(searchBody(DEFAULT_FILTERS, '   ', { by: 'ts', dir: 'desc' }, null).q).toBeUndefined();
  });
});

describe('explorer URL parameters', () => {
  it('round-trip, leave defaults out and keep other parameters', () => {
    const query = withExplorerParams('range=7d', 'ann', { by: 'latency', dir: 'asc' });
    expect(query).toBe('range=7d&q=ann&sort=latency%3Aasc');
    expect(parseExplorerParams(`?${query}`)).toEqual({ q: 'ann', sort: { by: 'latency', dir: 'asc' } });
    expect(withExplorerParams('q=x&sort=cost%3Adesc', '', { by: 'ts', dir: 'desc' })).toBe('');
    expect(parseExplorerParams('?sort=tokens:up').sort).toEqual({ by: 'ts', dir: 'desc' });
  });

  it('flips the direction of the same column, starts another descending', () => {
    expect(nextSort({ by: 'cost', dir: 'desc' }, 'cost')).toEqual({ by: 'cost', dir: 'asc' });
    expect(nextSort({ by: 'cost', dir: 'asc' }, 'latency')).toEqual({ by: 'latency', dir: 'desc' });
  });
});

describe('event fields', () => {
  it('titles calls by model, else by operation and endpoint', () => {
    expect(eventTitle(event)).toBe('gpt-4o');
    expect(eventTitle({ ...event, model: undefined, operation: 'tool', endpoint: 'tool:run_sql' })).toBe('tool · tool:run_sql');
    expect(totalTokens(event)).toBe(120);
    expect(totalTokens({ ...event, input_tokens: undefined, output_tokens: undefined })).toBeNull();
  });

  it('lists every field present, links trace and session, and says unpriced rather than $0', () => {
    const fields = detailFields(event);
    const byLabel: Record<string, DetailField | undefined> = Object.fromEntries(fields.map((field) => [field.label, field]));
    expect(byLabel.Trace).toEqual({ label: 'Trace', value: 'run/42', href: '/traces/run%2F42' });
    expect(byLabel.Session?.href).toBe('/sessions/s1');
    expect(byLabel['HTTP status']?.value).toBe('429');
    expect(byLabel['Error type']?.value).toBe('rate_limit');
    expect(byLabel['Input hash']?.value).toBe('9f86d081884c7d65');
    expect(byLabel.Cost?.value).toBe('unpriced');
    expect(byLabel.Latency?.value).toBe('850 ms');
    expect(byLabel.User).toBeUndefined();
    expect(fields[0]?.label).toBe('Time');
  });
});
