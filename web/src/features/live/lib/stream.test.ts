import { describe, expect, it } from 'vitest';
import type { LiveEvent, LiveReportMessage } from './messages';
import { EMPTY_STREAM, streamReducer, toStoredEvent } from './stream';

const event = (model: string): LiveEvent => ({ ts: '2026-11-01T10:00:00.000Z', operation: 'chat', status: 'ok', model });

function report(type: 'snapshot' | 'update', models: string[]): LiveReportMessage {
  const figures = { events: 0, experiments: 0, runs: 0, active_users: 0, cost_usd: null, avg_latency_ms: null, success_rate: null, tokens: 0 };
  return { type, at: 0, totals: figures, bucket: { ...figures, t: 0, bucket_ms: 1 }, events: models.map(event) };
}

const models = (stream: typeof EMPTY_STREAM) => stream.items.map((item) => item.event.model);

describe('streamReducer', () => {
  it('starts from the snapshot, puts each update on top and keeps the newest `max`', () => {
    let stream = streamReducer(EMPTY_STREAM, report('snapshot', ['c', 'b', 'a']), 4);
    expect(models(stream)).toEqual(['c', 'b', 'a']);
    stream = streamReducer(stream, report('update', ['e', 'd']), 4);
    expect(models(stream)).toEqual(['e', 'd', 'c', 'b']);
  });

  it('a new snapshot (a resubscribe) replaces the list', () => {
    const before = streamReducer(EMPTY_STREAM, report('snapshot', ['a', 'b']), 10);
    expect(models(streamReducer(before, report('snapshot', ['x']), 10))).toEqual(['x']);
  });

  it('gives every item a unique key that is larger for newer items', () => {
    let stream = streamReducer(EMPTY_STREAM, report('snapshot', ['b', 'a']), 10);
    stream = streamReducer(stream, report('update', ['d', 'c']), 10);
    const keys = stream.items.map((item) => item.key);
    expect(new Set(keys).size).toBe(4);
    expect([...keys].sort((x, y) => y - x)).toEqual(keys);
  });
});

describe('toStoredEvent', () => {
  it('gives the drawer the explorer\u2019s shape: epoch ms beside the RFC 3339 time, empty tags and scores', () => {
    const stored = toStoredEvent({ ...event('gpt-4o'), experiment: 'e1', trace_id: 't1', cost_usd: 0.01 });
    expect(stored).toEqual({
      ts: Date.parse('2026-11-01T10:00:00.000Z'),
      time: '2026-11-01T10:00:00.000Z',
      experiment: 'e1',
      trace_id: 't1',
      model: 'gpt-4o',
      cost_usd: 0.01,
      operation: 'chat',
      status: 'ok',
      scores: {},
      tags: {},
    });
  });
});
