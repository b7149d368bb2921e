import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, emptyDims } from '../../filters/lib/filters';
import { liveUrl, parseLiveMessage, subscribeMessage } from './messages';

describe('subscribeMessage', () => {
  it('sends the dashboards\u2019 filters: the relative range, the chosen dimensions and tags as an object', () => {
    const filters = {
      range: { kind: 'preset' as const, preset: '24h' as const },
      dims: { ...emptyDims(), model: ['gpt-4o', 'o3'], team: ['search'] },
      tags: [{ key: 'env', value: 'prod' }],
    };
    expect(JSON.parse(subscribeMessage(filters, 20))).toEqual({
      type: 'subscribe',
      filters: { from: 'now-24h', to: 'now', model: ['gpt-4o', 'o3'], team: ['search'], tags: { env: 'prod' } },
      events: 20,
    });
  });

  it('leaves out dimensions that are not filtered', () => {
    expect(JSON.parse(subscribeMessage(DEFAULT_FILTERS, 5)).filters).toEqual({ from: 'now-30d', to: 'now' });
  });
});

describe('parseLiveMessage', () => {
  const figures = { events: 1 };
  it('reads snapshots, updates and errors', () => {
    const update = { type: 'update', at: 5, lag_ms: 3, totals: figures, bucket: figures, events: [] };
    expect(parseLiveMessage(JSON.stringify(update))).toEqual(update);
    expect(parseLiveMessage('{"type":"error","field":"filters.model","reason":"must not be empty"}')).toEqual({
      type: 'error',
      field: 'filters.model',
      reason: 'must not be empty',
    });
  });

  it('ignores what it does not understand', () => {
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('[1]')).toBeNull();
    expect(parseLiveMessage('{"type":"hello"}')).toBeNull();
    expect(parseLiveMessage('{"type":"update","totals":{}}')).toBeNull();
  });
});

describe('liveUrl', () => {
  it('uses ws for http and wss for https, on the page\u2019s own host', () => {
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/analytics/live');
    expect(liveUrl({ protocol: 'https:', host: 'x.example' })).toBe('wss://x.example/api/analytics/live');
  });
});
