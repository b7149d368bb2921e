import { describe, expect, it } from 'vitest';
import { sampleCost, T0 } from '../../cost/lib/sampleCost.test-data';
import { mergeCostOverTime, mergeLiveIntoCost, stackKeyOf } from './mergeCost';
import type { LiveEvent, LiveFigures, LiveReportMessage } from './messages';

const HOUR = 3_600_000;

function figures(overrides: Partial<LiveFigures> = {}): LiveFigures {
  return { events: 5, experiments: 1, runs: 1, active_users: 2, cost_usd: 4, avg_latency_ms: 500, success_rate: 1, tokens: 12600, ...overrides };
}

function event(model: string, at: number, cost?: number): LiveEvent {
  return { ts: new Date(at).toISOString(), model, operation: 'chat', status: 'ok', ...(cost === undefined ? {} : { cost_usd: cost }) };
}

function update(totals: Partial<LiveFigures>, events: LiveEvent[], bucketT = T0 + 2 * HOUR): LiveReportMessage {
  return {
    type: 'update',
    at: T0 + 3 * HOUR,
    totals: figures(totals),
    bucket: { ...figures({ events: 3 }), t: bucketT, bucket_ms: HOUR },
    events,
  };
}

describe('mergeLiveIntoCost', () => {
  it('sets the cards from the pushed totals and recomputes their change and the cost per 1K tokens', () => {
    const merged = mergeLiveIntoCost(sampleCost(), update({ events: 6, cost_usd: 4.5, tokens: 15000 }, []))!;
    expect(merged.totals.cost_usd).toEqual({ value: 4.5, previous: 3, change_pct: 50 });
    expect(merged.totals.calls).toEqual({ value: 6, previous: 2, change_pct: 200 });
    expect(merged.totals.tokens.value).toBe(15000);
    expect(merged.totals.cost_per_1k_tokens.value).toBeCloseTo(0.3, 9);
    expect(merged.totals.unpriced_calls).toBe(1);
  });

  it('asks for a fetch when the report was of an empty range and events arrived', () => {
    const empty = sampleCost();
    empty.totals.calls = { value: 0, previous: 0, change_pct: null };
    expect(mergeLiveIntoCost(empty, update({ events: 1 }, []))).toBeNull();
  });
});

describe('mergeCostOverTime', () => {
  it('adds each priced event of an update to its series in its bucket', () => {
    const report = sampleCost();
    const merged = mergeCostOverTime(report.over_time, 5, update({ events: 7 }, [event('gpt-4o', T0 + 2 * HOUR + 60_000, 0.25), event('claude-x', T0 + HOUR + 5, 1)]));
    expect(merged.series).toEqual([
      { name: 'claude-x', cost_usd: [2, 1, 0] },
      { name: 'gpt-4o', cost_usd: [0, null, 2] },
    ]);
    expect(report.over_time.series[1]!.cost_usd).toEqual([0, null, 1.75]);  // not mutated
  });

  it('opens the pushed current bucket, and gives a new stack value its own series', () => {
    const merged = mergeCostOverTime(sampleCost().over_time, 5, update({ events: 6 }, [event('mistral', T0 + 3 * HOUR + 10, 0.5)], T0 + 3 * HOUR));
    expect(merged.t).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(merged.series).toEqual([
      { name: 'claude-x', cost_usd: [2, null, 0, null] },
      { name: 'gpt-4o', cost_usd: [0, null, 1.75, null] },
      { name: 'mistral', cost_usd: [null, null, null, 0.5] },
    ]);
  });

  it('is left alone when the update does not list every event it added, or for a snapshot', () => {
    const overTime = sampleCost().over_time;
    expect(mergeCostOverTime(overTime, 5, update({ events: 9 }, [event('gpt-4o', T0 + 2 * HOUR, 1)]))).toBe(overTime);
    expect(mergeCostOverTime(overTime, 5, { ...update({ events: 6 }, [event('gpt-4o', T0 + 2 * HOUR, 1)]), type: 'snapshot' })).toBe(overTime);
    expect(mergeCostOverTime(overTime, 5, update({ events: 6 }, [event('gpt-4o', T0 + 2 * HOUR)]))).toBe(overTime);  // unpriced
  });

  it('reads the stack key from the event, tags included; (none) when absent', () => {
    expect(stackKeyOf({ ts: '', operation: 'chat', status: 'ok', team: 'ml' }, 'team')).toBe('ml');
    expect(stackKeyOf({ ts: '', operation: 'chat', status: 'ok' }, 'provider')).toBe('(none)');
    expect(stackKeyOf({ ts: '', operation: 'chat', status: 'ok', tags: { env: 'prod' } }, 'tags.env')).toBe('prod');
    expect(stackKeyOf({ ts: '', operation: 'chat', status: 'ok' }, 'operation')).toBeUndefined();
  });
});
